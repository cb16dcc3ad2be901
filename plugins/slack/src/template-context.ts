import type { BuildMetadata } from "@spotkit/runtime";

/** The commit author as templates see it; prints as the username, like Go's `Author.String()`. */
export interface TemplateAuthor {
  username: string;
  name: string;
  email: string;
  avatar: string;
}

/** The commit message as templates see it; prints as the whole message, like Go's `Message.String()`. */
export interface TemplateCommitMessage {
  /** The first line, trimmed. */
  title: string;
  /** Everything after the first line, trimmed. */
  body: string;
}

/**
 * The object templates render against: the same names drone-slack gives its Go templates
 * (`repo.owner`, `build.status`, `build.author.email`, `build.message.title`, `job.started`…).
 * Every name also answers with a capital first letter (`Build.Status`), as raymond resolves Go
 * struct fields either way. Timestamps are Unix seconds, `0` when unknown.
 */
export interface TemplateContext {
  repo: { owner: string; name: string };
  build: {
    tag: string;
    event: string;
    number: number;
    parent: number;
    /** The full commit SHA. */
    commit: string;
    ref: string;
    /** The commit's branch (`DRONE_COMMIT_BRANCH`). */
    branch: string;
    author: TemplateAuthor;
    /** The pull request number as text, empty when the build is not for a pull request. */
    pull: string;
    message: TemplateCommitMessage;
    deployTo: string;
    status: string;
    link: string;
    started: number;
    created: number;
    /** Not in drone-slack; Drone sets it to the current time while the build runs. */
    finished: number;
  };
  job: { started: number };
}

/** The build metadata fields a template context is made from. */
export type TemplateContextSource = Pick<
  BuildMetadata,
  "repo" | "commit" | "tag" | "pullRequest" | "event" | "build" | "branch"
>;

/**
 * Builds the template context from the build metadata, with drone-slack's defaults for values a
 * runner did not provide (`status` success, `event` push, `branch` master, `ref`
 * refs/heads/master, commit `00000000`), so that templates and the default text render as in Go.
 *
 * `job.started` is `DRONE_JOB_STARTED` (Drone 0.8), else `DRONE_STAGE_STARTED`, else the build's
 * start.
 */
export function createTemplateContext(
  metadata: TemplateContextSource,
  env: Readonly<Record<string, string | undefined>>,
): TemplateContext {
  const { commit, build } = metadata;
  const started = toUnixSeconds(build.started);
  const context: TemplateContext = {
    repo: { owner: metadata.repo.owner ?? "", name: metadata.repo.name ?? "" },
    build: {
      tag: metadata.tag ?? "",
      event: metadata.event ?? "push",
      number: build.number ?? 0,
      parent: build.parent ?? 0,
      commit: commit.sha ?? "00000000",
      ref: commit.ref ?? "refs/heads/master",
      branch: commit.branch ?? metadata.branch ?? "master",
      author: withText(
        {
          username: commit.author.username ?? "",
          name: commit.author.name ?? "",
          email: commit.author.email ?? "",
          avatar: commit.author.avatar ?? "",
        },
        commit.author.username ?? "",
      ),
      pull: metadata.pullRequest === undefined ? "" : String(metadata.pullRequest),
      message: createCommitMessage(commit.message ?? ""),
      deployTo: build.deployTo ?? "",
      status: build.status || "success",
      link: build.link ?? "",
      started,
      created: toUnixSeconds(build.created),
      finished: toUnixSeconds(build.finished),
    },
    job: {
      started:
        readTimestamp(env.DRONE_JOB_STARTED) ?? readTimestamp(env.DRONE_STAGE_STARTED) ?? started,
    },
  };
  return withGoFieldNames(context);
}

/** Splits a commit message like drone-slack's `newCommitMessage`: title line and body, trimmed. */
export function createCommitMessage(message: string): TemplateCommitMessage {
  const [first = "", ...rest] = message.split("\n");
  return withText({ title: first.trim(), body: rest.join("\n").trim() }, message);
}

// Handlebars prints an object through String(), so a non-enumerable toString makes
// {{build.author}} and {{build.message}} print like Go's Stringer implementations while their
// fields stay reachable and the object stays clean for {{#each}}.
function withText<T extends object>(object: T, text: string): T {
  Object.defineProperty(object, "toString", { value: () => text, enumerable: false });
  return object;
}

// raymond looks struct fields up by strings.Title(name), so {{build.deployTo}} and
// {{Build.DeployTo}} both work in Go templates. Non-enumerable capitalised twins keep that.
function withGoFieldNames<T extends object>(object: T): T {
  for (const [key, value] of Object.entries(object)) {
    if (typeof value === "object" && value !== null) withGoFieldNames(value);
    const capitalised = key.charAt(0).toUpperCase() + key.slice(1);
    if (capitalised !== key && !(capitalised in object)) {
      Object.defineProperty(object, capitalised, { value, enumerable: false });
    }
  }
  return object;
}

function toUnixSeconds(date: Date | undefined): number {
  return date === undefined ? 0 : Math.floor(date.getTime() / 1000);
}

function readTimestamp(text: string | undefined): number | undefined {
  if (text === undefined || !/^\s*\d+\s*$/.test(text)) return undefined;
  const seconds = Number(text);
  return seconds === 0 ? undefined : seconds;
}
