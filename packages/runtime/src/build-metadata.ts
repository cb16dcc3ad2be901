import { parseSemVer, type SemVer } from "./semver.js";

/** The CI system a plugin runs on, as far as its environment tells. */
export type CiSystemName = "drone" | "woodpecker" | "github" | "gitlab" | "unknown";

/**
 * What started the build. The names are Drone's; other systems' names are mapped onto them where
 * they mean the same (GitHub `pull_request_target`, GitLab `merge_request_event` → `pull_request`;
 * GitHub/GitLab `schedule` → `cron`; GitHub `workflow_dispatch`, GitLab `web` → `manual`; a push of
 * a tag → `tag`). Any other name is kept as the system wrote it.
 */
export type BuildEvent =
  | "push"
  | "pull_request"
  | "tag"
  | "deployment"
  | "cron"
  | "manual"
  | "promote"
  | "rollback"
  // Keeps autocompletion for the known names while accepting any other string.
  | (string & {});

/** The build status so far, lower-cased: `success` while nothing has failed, else `failure` (or `error`, `killed`). */
export type BuildStatus = "success" | "failure" | "error" | "killed" | (string & {});

/**
 * Everything a plugin may want to know about the build it runs in, read once from the environment.
 *
 * `DRONE_*` variables come first; Woodpecker's `CI_*` names fill what they leave out, then GitHub
 * Actions' `GITHUB_*`/`RUNNER_*`, then GitLab's `CI_*` names. An empty variable counts as unset.
 * Every text field is `undefined` when no variable provides it.
 */
export interface BuildMetadata {
  /** The CI system and its server. */
  system: {
    /** Which CI system runs the step. @default "unknown" */
    name: CiSystemName;
    /** The server's host name (`DRONE_SYSTEM_HOST`, `CI_SYSTEM_HOST`, `GITHUB_SERVER_URL`, `CI_SERVER_HOST`). */
    host?: string;
    /** The server's version (`DRONE_SYSTEM_VERSION`, `CI_SYSTEM_VERSION`, `CI_SERVER_VERSION`). */
    version?: string;
  };
  /** The repository being built. */
  repo: {
    /** `owner/name` (`DRONE_REPO`, `CI_REPO`, `GITHUB_REPOSITORY`, `CI_PROJECT_PATH`). */
    slug?: string;
    /** The owner or namespace; on GitLab it may contain `/` (`group/subgroup`). */
    owner?: string;
    /** The repository's name without its owner. */
    name?: string;
    /** The repository's web page. */
    link?: string;
    /** The HTTP(S) clone URL (`DRONE_REMOTE_URL`, `DRONE_GIT_HTTP_URL`, `CI_REPO_CLONE_URL`). Never holds credentials. */
    cloneUrl?: string;
    /** The SSH clone URL (`DRONE_GIT_SSH_URL`, `CI_REPO_CLONE_SSH_URL`). */
    sshUrl?: string;
    /** The repository's default branch (`DRONE_REPO_BRANCH`, `CI_REPO_DEFAULT_BRANCH`, `CI_DEFAULT_BRANCH`). */
    defaultBranch?: string;
    /** Whether the repository is private; derived from `visibility` when only that is known. */
    private?: boolean;
    /** `public`, `private` or `internal` (`DRONE_REPO_VISIBILITY`, `CI_PROJECT_VISIBILITY`). */
    visibility?: string;
  };
  /** The commit being built. */
  commit: {
    /** The full commit SHA (`DRONE_COMMIT_SHA`, `CI_COMMIT_SHA`, `GITHUB_SHA`). */
    sha?: string;
    /** The SHA before the push (`DRONE_COMMIT_BEFORE`, Woodpecker `CI_PREV_COMMIT_SHA`, `CI_COMMIT_BEFORE_SHA`). */
    before?: string;
    /** The full git ref (`refs/heads/main`, `refs/tags/v1.2.3`, `refs/pull/42/head`). */
    ref?: string;
    /** The branch of the commit (`DRONE_COMMIT_BRANCH`, else {@link BuildMetadata.branch}). */
    branch?: string;
    /** The commit message, as the system gives it (it may end with a newline). */
    message?: string;
    /** The commit's (or compare view's) web page. */
    link?: string;
    /** Who made the commit or triggered the build. */
    author: {
      /** The forge login (`DRONE_COMMIT_AUTHOR`, `CI_COMMIT_AUTHOR`, `GITHUB_ACTOR`, `GITLAB_USER_LOGIN`). */
      username?: string;
      /** The display name (`DRONE_COMMIT_AUTHOR_NAME`; GitLab: the name part of `CI_COMMIT_AUTHOR`). */
      name?: string;
      /** The e-mail address. */
      email?: string;
      /** The avatar image URL. */
      avatar?: string;
    };
  };
  /** The branch built; for a pull request, its target branch (`DRONE_BRANCH`, `CI_COMMIT_BRANCH`, `GITHUB_BASE_REF`…). */
  branch?: string;
  /** The pull request's source branch (`DRONE_SOURCE_BRANCH`, `CI_COMMIT_SOURCE_BRANCH`, `GITHUB_HEAD_REF`…). */
  sourceBranch?: string;
  /** The pull request's target branch (`DRONE_TARGET_BRANCH`, `CI_COMMIT_TARGET_BRANCH`, `GITHUB_BASE_REF`…). */
  targetBranch?: string;
  /** The tag built, from the tag variables or a `refs/tags/…` ref. */
  tag?: string;
  /** The pull (merge) request number, from the variables or a `refs/pull/N/…` ref. */
  pullRequest?: number;
  /** The pull request's title (`DRONE_PULL_REQUEST_TITLE`, `CI_MERGE_REQUEST_TITLE`). */
  pullRequestTitle?: string;
  /** What started the build, normalised (see {@link BuildEvent}). */
  event?: BuildEvent;
  /** The build (pipeline) itself. */
  build: {
    /** The build number (`DRONE_BUILD_NUMBER`, `CI_PIPELINE_NUMBER`, `GITHUB_RUN_NUMBER`, `CI_PIPELINE_IID`). */
    number?: number;
    /** The build this one was restarted or promoted from (`DRONE_BUILD_PARENT`, `CI_PIPELINE_PARENT`). */
    parent?: number;
    /** The build's web page. */
    link?: string;
    /**
     * The status so far, lower-cased. On Woodpecker `CI_PIPELINE_STATUS` is preferred, because
     * Woodpecker's Drone compatibility layer always sets `DRONE_BUILD_STATUS=success`.
     * @default "success"
     */
    status: BuildStatus;
    /** When the build started (Drone and Woodpecker give unix seconds). */
    started?: Date;
    /** When the build was created (`DRONE_BUILD_CREATED`, `CI_PIPELINE_CREATED`, `CI_PIPELINE_CREATED_AT`). */
    created?: Date;
    /** When the build finished; Drone gives the current time while the build runs. */
    finished?: Date;
    /** The deployment target (`DRONE_DEPLOY_TO`, `CI_PIPELINE_DEPLOY_TARGET`, `CI_ENVIRONMENT_NAME`). */
    deployTo?: string;
    /** Whether the build runs in debug mode (`DRONE_BUILD_DEBUG`, `RUNNER_DEBUG=1`, `CI_DEBUG_TRACE`). @default false */
    debug: boolean;
    /** The names of the failed steps (`DRONE_FAILED_STEPS`). @default [] */
    failedSteps: string[];
    /** The names of the failed stages (`DRONE_FAILED_STAGES`). @default [] */
    failedStages: string[];
  };
  /** The tag as a semantic version (`DRONE_SEMVER*`, else parsed from {@link BuildMetadata.tag}). */
  semver?: SemVer;
  /** The folder the repository was cloned to (`DRONE_WORKSPACE`, `CI_WORKSPACE`, `GITHUB_WORKSPACE`, `CI_PROJECT_DIR`). */
  workspace?: string;
  /**
   * Git credentials for the forge (`DRONE_NETRC_*`, else Woodpecker's `CI_NETRC_*`), when the runner
   * passes them. The password is a secret: never log it.
   */
  netrc?: {
    /** The forge host name. */
    machine: string;
    /** The login. */
    username: string;
    /** The password or token. */
    password: string;
  };
  /** The stage (Woodpecker workflow, GitHub/GitLab job) the step belongs to. */
  stage: {
    /** The stage's name (`DRONE_STAGE_NAME`, `CI_WORKFLOW_NAME`, `GITHUB_JOB`, `CI_JOB_STAGE`). */
    name?: string;
    /** The stage's number (`DRONE_STAGE_NUMBER`, `CI_WORKFLOW_NUMBER`). */
    number?: number;
    /** The machine running the stage (`DRONE_STAGE_MACHINE`, `CI_MACHINE`, `RUNNER_NAME`). */
    machine?: string;
    /** The operating system, Go style (`linux`, `windows`, `darwin`). */
    os?: string;
    /** The architecture, Go style (`amd64`, `arm64`). */
    arch?: string;
  };
  /** The step running now. */
  step: {
    /** The step's name (`DRONE_STEP_NAME`, `CI_STEP_NAME`, `GITHUB_ACTION`, `CI_JOB_NAME`). */
    name?: string;
    /** The step's number (`DRONE_STEP_NUMBER`, `CI_STEP_NUMBER`). */
    number?: number;
    /** The step's web page (`CI_STEP_URL`, `CI_JOB_URL`). */
    link?: string;
  };
}

type Environment = Record<string, string | undefined>;

/** The text fields every source may provide, before they are parsed into {@link BuildMetadata}. */
type Field =
  | "systemHost"
  | "systemVersion"
  | "repoSlug"
  | "repoOwner"
  | "repoName"
  | "repoLink"
  | "cloneUrl"
  | "sshUrl"
  | "defaultBranch"
  | "repoPrivate"
  | "visibility"
  | "commitSha"
  | "commitBefore"
  | "commitRef"
  | "commitBranch"
  | "commitMessage"
  | "commitLink"
  | "authorUsername"
  | "authorName"
  | "authorEmail"
  | "authorAvatar"
  | "branch"
  | "sourceBranch"
  | "targetBranch"
  | "tag"
  | "pullRequest"
  | "pullRequestTitle"
  | "event"
  | "buildNumber"
  | "buildParent"
  | "buildLink"
  | "buildStatus"
  | "buildStarted"
  | "buildCreated"
  | "buildFinished"
  | "deployTo"
  | "buildDebug"
  | "failedSteps"
  | "failedStages"
  | "workspace"
  | "stageName"
  | "stageNumber"
  | "stageMachine"
  | "stageOs"
  | "stageArch"
  | "stepName"
  | "stepNumber"
  | "stepLink";

type Fields = Partial<Record<Field, string | undefined>>;

/**
 * Reads the build metadata from an environment (normally `process.env`, passed in by the entry).
 * Never throws: a value that cannot be parsed (a build number that is not a number) is left out.
 */
export function readBuildMetadata(env: Environment): BuildMetadata {
  const system = detectSystem(env);
  // Woodpecker and GitLab both use CI_*, with different meanings for some names (GitLab's
  // CI_COMMIT_AUTHOR is "Name <email>", Woodpecker's is a login), so only one of them is read.
  const sources: Fields[] = [readDrone(env)];
  if (system !== "gitlab") sources.push(readWoodpecker(env));
  sources.push(readGithub(env));
  if (system === "gitlab") sources.push(readGitlab(env));
  const field = (name: Field): string | undefined =>
    firstPresent(sources.map((source) => source[name]));

  // The repository's slug, owner and name come from one source, so that a DRONE_REPO set by hand
  // is not paired with another system's owner.
  const identity = sources.find(
    (source) => firstPresent([source.repoSlug, source.repoOwner, source.repoName]) !== undefined,
  );
  const slug = present(identity?.repoSlug);
  const owner = present(identity?.repoOwner) ?? splitSlug(slug)?.owner;
  const name = present(identity?.repoName) ?? splitSlug(slug)?.name;
  const visibility = field("visibility");
  const repoPrivate =
    parseBoolean(field("repoPrivate")) ??
    (visibility === undefined ? undefined : visibility.toLowerCase() !== "public");

  const ref = field("commitRef");
  const branch = field("branch");
  const tag =
    field("tag") ?? (ref?.startsWith("refs/tags/") ? ref.slice("refs/tags/".length) : undefined);
  const pullRequest = parsePositiveInteger(field("pullRequest")) ?? pullRequestFromRef(ref);

  // Woodpecker's compatibility layer writes DRONE_BUILD_STATUS=success into every plugin step,
  // whatever happened before, so its own status is the only truthful one there.
  const status =
    (system === "woodpecker" ? present(env.CI_PIPELINE_STATUS) : undefined) ?? field("buildStatus");

  return {
    system: compact({ name: system, host: field("systemHost"), version: field("systemVersion") }),
    repo: compact({
      slug: slug ?? (owner !== undefined && name !== undefined ? `${owner}/${name}` : undefined),
      owner,
      name,
      link: field("repoLink"),
      cloneUrl: field("cloneUrl"),
      sshUrl: field("sshUrl"),
      defaultBranch: field("defaultBranch"),
      private: repoPrivate,
      visibility,
    }),
    commit: compact({
      sha: field("commitSha"),
      before: field("commitBefore"),
      ref,
      branch: field("commitBranch") ?? branch,
      message: field("commitMessage"),
      link: field("commitLink"),
      author: compact({
        username: field("authorUsername"),
        name: field("authorName"),
        email: field("authorEmail"),
        avatar: field("authorAvatar"),
      }),
    }),
    ...compact({
      branch,
      sourceBranch: field("sourceBranch"),
      targetBranch: field("targetBranch"),
      tag,
      pullRequest,
      pullRequestTitle: field("pullRequestTitle"),
      event: field("event"),
    }),
    build: compact({
      number: parseInteger(field("buildNumber")),
      parent: parsePositiveInteger(field("buildParent")),
      link: field("buildLink"),
      status: status?.toLowerCase() ?? "success",
      started: parseTimestamp(field("buildStarted")),
      created: parseTimestamp(field("buildCreated")),
      finished: parseTimestamp(field("buildFinished")),
      deployTo: field("deployTo"),
      debug: parseBoolean(field("buildDebug")) ?? false,
      failedSteps: splitList(field("failedSteps")),
      failedStages: splitList(field("failedStages")),
    }),
    ...compact({
      semver: readSemVer(env, tag),
      workspace: field("workspace"),
      netrc: readNetrc(env, system),
    }),
    stage: compact({
      name: field("stageName"),
      number: parseInteger(field("stageNumber")),
      machine: field("stageMachine"),
      os: field("stageOs"),
      arch: field("stageArch"),
    }),
    step: compact({
      name: field("stepName"),
      number: parseInteger(field("stepNumber")),
      link: field("stepLink"),
    }),
  };
}

function detectSystem(env: Environment): CiSystemName {
  // Each system's own marker first: Woodpecker also sets DRONE_* (for Drone plugins) and CI=woodpecker.
  if (env.CI === "woodpecker" || env.CI_SYSTEM_NAME === "woodpecker") return "woodpecker";
  if (env.GITLAB_CI === "true") return "gitlab";
  if (env.GITHUB_ACTIONS === "true") return "github";
  if (env.DRONE === "true") return "drone";
  // Without a marker (a hand-made `docker run -e …`), the variables that only one system uses tell.
  if (present(env.CI_PIPELINE_NUMBER) !== undefined) return "woodpecker";
  if (Object.entries(env).some(([key, value]) => key.startsWith("DRONE_") && value)) return "drone";
  if (present(env.CI_PROJECT_PATH) ?? present(env.CI_PIPELINE_IID)) return "gitlab";
  if (present(env.GITHUB_REPOSITORY) !== undefined) return "github";
  return "unknown";
}

/** Drone's names (drone/runner-go:environ/environ.go), which Woodpecker also fills for plugin steps. */
function readDrone(env: Environment): Fields {
  const read = reader(env);
  return {
    systemHost: read("DRONE_SYSTEM_HOST", "DRONE_SYSTEM_HOSTNAME"),
    systemVersion: read("DRONE_SYSTEM_VERSION"),
    repoSlug: read("DRONE_REPO"),
    repoOwner: read("DRONE_REPO_OWNER", "DRONE_REPO_NAMESPACE"),
    repoName: read("DRONE_REPO_NAME"),
    repoLink: read("DRONE_REPO_LINK"),
    cloneUrl: read("DRONE_REMOTE_URL", "DRONE_GIT_HTTP_URL"),
    sshUrl: read("DRONE_GIT_SSH_URL"),
    defaultBranch: read("DRONE_REPO_BRANCH"),
    repoPrivate: read("DRONE_REPO_PRIVATE"),
    visibility: read("DRONE_REPO_VISIBILITY"),
    commitSha: read("DRONE_COMMIT_SHA", "DRONE_COMMIT", "DRONE_COMMIT_AFTER"),
    commitBefore: read("DRONE_COMMIT_BEFORE"),
    commitRef: read("DRONE_COMMIT_REF"),
    commitBranch: read("DRONE_COMMIT_BRANCH"),
    commitMessage: read("DRONE_COMMIT_MESSAGE"),
    commitLink: read("DRONE_COMMIT_LINK"),
    authorUsername: read("DRONE_COMMIT_AUTHOR"),
    authorName: read("DRONE_COMMIT_AUTHOR_NAME"),
    authorEmail: read("DRONE_COMMIT_AUTHOR_EMAIL"),
    authorAvatar: read("DRONE_COMMIT_AUTHOR_AVATAR"),
    branch: read("DRONE_BRANCH"),
    sourceBranch: read("DRONE_SOURCE_BRANCH"),
    targetBranch: read("DRONE_TARGET_BRANCH"),
    tag: read("DRONE_TAG"),
    pullRequest: read("DRONE_PULL_REQUEST"),
    pullRequestTitle: read("DRONE_PULL_REQUEST_TITLE"),
    event: read("DRONE_BUILD_EVENT"),
    buildNumber: read("DRONE_BUILD_NUMBER"),
    buildParent: read("DRONE_BUILD_PARENT"),
    buildLink: read("DRONE_BUILD_LINK"),
    buildStatus: read("DRONE_BUILD_STATUS"),
    buildStarted: read("DRONE_BUILD_STARTED"),
    buildCreated: read("DRONE_BUILD_CREATED"),
    buildFinished: read("DRONE_BUILD_FINISHED"),
    deployTo: read("DRONE_DEPLOY_TO"),
    buildDebug: read("DRONE_BUILD_DEBUG"),
    failedSteps: read("DRONE_FAILED_STEPS"),
    failedStages: read("DRONE_FAILED_STAGES"),
    workspace: read("DRONE_WORKSPACE"),
    stageName: read("DRONE_STAGE_NAME"),
    stageNumber: read("DRONE_STAGE_NUMBER"),
    stageMachine: read("DRONE_STAGE_MACHINE"),
    stageOs: read("DRONE_STAGE_OS"),
    stageArch: read("DRONE_STAGE_ARCH"),
    stepName: read("DRONE_STEP_NAME"),
    stepNumber: read("DRONE_STEP_NUMBER"),
  };
}

/** Woodpecker's names (woodpecker-ci/woodpecker:pipeline/frontend/metadata/environment.go). */
function readWoodpecker(env: Environment): Fields {
  const read = reader(env);
  // CI_SYSTEM_PLATFORM is the agent's "os/arch", e.g. "linux/amd64".
  const [os, arch] = splitPlatform(read("CI_SYSTEM_PLATFORM"));
  return {
    systemHost: read("CI_SYSTEM_HOST"),
    systemVersion: read("CI_SYSTEM_VERSION"),
    repoSlug: read("CI_REPO"),
    repoOwner: read("CI_REPO_OWNER"),
    repoName: read("CI_REPO_NAME"),
    repoLink: read("CI_REPO_URL"),
    cloneUrl: read("CI_REPO_CLONE_URL"),
    sshUrl: read("CI_REPO_CLONE_SSH_URL"),
    defaultBranch: read("CI_REPO_DEFAULT_BRANCH"),
    repoPrivate: read("CI_REPO_PRIVATE"),
    commitSha: read("CI_COMMIT_SHA"),
    // Woodpecker has no "before" SHA; its Drone layer maps the previous pipeline's commit onto it.
    commitBefore: read("CI_PREV_COMMIT_SHA"),
    commitRef: read("CI_COMMIT_REF"),
    commitBranch: read("CI_COMMIT_BRANCH"),
    commitMessage: read("CI_COMMIT_MESSAGE"),
    commitLink: read("CI_PIPELINE_FORGE_URL"),
    authorUsername: read("CI_COMMIT_AUTHOR"),
    // Woodpecker only knows the login; its Drone layer copies it to DRONE_COMMIT_AUTHOR_NAME too,
    // so plugin steps and command steps agree.
    authorName: read("CI_COMMIT_AUTHOR"),
    authorEmail: read("CI_COMMIT_AUTHOR_EMAIL"),
    authorAvatar: read("CI_COMMIT_AUTHOR_AVATAR", "CI_PIPELINE_AVATAR"),
    branch: read("CI_COMMIT_BRANCH"),
    sourceBranch: read("CI_COMMIT_SOURCE_BRANCH"),
    targetBranch: read("CI_COMMIT_TARGET_BRANCH"),
    tag: read("CI_COMMIT_TAG"),
    pullRequest: read("CI_COMMIT_PULL_REQUEST"),
    event: read("CI_PIPELINE_EVENT"),
    buildNumber: read("CI_PIPELINE_NUMBER"),
    buildParent: read("CI_PIPELINE_PARENT"),
    buildLink: read("CI_PIPELINE_URL"),
    buildStatus: read("CI_PIPELINE_STATUS"),
    buildStarted: read("CI_PIPELINE_STARTED"),
    buildCreated: read("CI_PIPELINE_CREATED"),
    buildFinished: read("CI_PIPELINE_FINISHED"),
    deployTo: read("CI_PIPELINE_DEPLOY_TARGET"),
    workspace: read("CI_WORKSPACE"),
    stageName: read("CI_WORKFLOW_NAME"),
    stageNumber: read("CI_WORKFLOW_NUMBER"),
    stageMachine: read("CI_MACHINE"),
    stageOs: os,
    stageArch: arch,
    stepName: read("CI_STEP_NAME"),
    stepNumber: read("CI_STEP_NUMBER"),
    stepLink: read("CI_STEP_URL"),
  };
}

/** GitHub Actions' default variables (docs.github.com, "Variables reference"). */
function readGithub(env: Environment): Fields {
  const read = reader(env);
  const server = read("GITHUB_SERVER_URL");
  const slug = read("GITHUB_REPOSITORY");
  const sha = read("GITHUB_SHA");
  const ref = read("GITHUB_REF");
  const refName = read("GITHUB_REF_NAME");
  const refType = read("GITHUB_REF_TYPE");
  const runId = read("GITHUB_RUN_ID");
  const host = hostOf(server);
  const repoLink = server !== undefined && slug !== undefined ? `${server}/${slug}` : undefined;
  const tag =
    refType === "tag"
      ? refName
      : ref?.startsWith("refs/tags/")
        ? ref.slice("refs/tags/".length)
        : undefined;
  const pushedBranch =
    refType === "branch"
      ? refName
      : ref?.startsWith("refs/heads/")
        ? ref.slice("refs/heads/".length)
        : undefined;
  return {
    systemHost: host,
    repoSlug: slug,
    repoOwner: read("GITHUB_REPOSITORY_OWNER"),
    repoLink,
    cloneUrl: repoLink === undefined ? undefined : `${repoLink}.git`,
    sshUrl: host !== undefined && slug !== undefined ? `git@${host}:${slug}.git` : undefined,
    commitSha: sha,
    commitRef: ref,
    commitLink:
      repoLink !== undefined && sha !== undefined ? `${repoLink}/commit/${sha}` : undefined,
    authorUsername: read("GITHUB_ACTOR"),
    // For pull requests GITHUB_BASE_REF is the target branch, which is what DRONE_BRANCH holds too.
    branch: read("GITHUB_BASE_REF") ?? pushedBranch,
    sourceBranch: read("GITHUB_HEAD_REF"),
    targetBranch: read("GITHUB_BASE_REF"),
    tag,
    event: normaliseGithubEvent(read("GITHUB_EVENT_NAME"), tag),
    buildNumber: read("GITHUB_RUN_NUMBER"),
    buildLink:
      repoLink !== undefined && runId !== undefined
        ? `${repoLink}/actions/runs/${runId}`
        : undefined,
    buildDebug: read("RUNNER_DEBUG") === "1" ? "true" : undefined,
    workspace: read("GITHUB_WORKSPACE"),
    stageName: read("GITHUB_JOB"),
    stageMachine: read("RUNNER_NAME"),
    stageOs: githubOperatingSystems.get(read("RUNNER_OS") ?? ""),
    stageArch: githubArchitectures.get(read("RUNNER_ARCH") ?? ""),
    stepName: read("GITHUB_ACTION"),
  };
}

/** GitLab CI/CD's predefined variables (docs.gitlab.com, "Predefined CI/CD variables reference"). */
function readGitlab(env: Environment): Fields {
  const read = reader(env);
  const projectUrl = read("CI_PROJECT_URL");
  const path = read("CI_PROJECT_PATH");
  const sha = read("CI_COMMIT_SHA");
  const tag = read("CI_COMMIT_TAG");
  const sourceBranch = read(
    "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME",
    "CI_EXTERNAL_PULL_REQUEST_SOURCE_BRANCH_NAME",
  );
  const targetBranch = read(
    "CI_MERGE_REQUEST_TARGET_BRANCH_NAME",
    "CI_EXTERNAL_PULL_REQUEST_TARGET_BRANCH_NAME",
  );
  // CI_COMMIT_REF_NAME is the tag's name in tag pipelines, so it only counts as a branch without a tag.
  const pushedBranch =
    read("CI_COMMIT_BRANCH") ?? (tag === undefined ? read("CI_COMMIT_REF_NAME") : undefined);
  // GitLab exports no full ref; build the one Drone would give.
  const ref =
    tag !== undefined
      ? `refs/tags/${tag}`
      : (read("CI_MERGE_REQUEST_REF_PATH") ??
        (pushedBranch === undefined ? undefined : `refs/heads/${pushedBranch}`));
  const author = parseNameAndEmail(read("CI_COMMIT_AUTHOR"));
  const sshHost = read("CI_SERVER_SHELL_SSH_HOST");
  const sshPort = read("CI_SERVER_SHELL_SSH_PORT");
  const [os, arch] = splitPlatform(read("CI_RUNNER_EXECUTABLE_ARCH"));
  return {
    systemHost: read("CI_SERVER_HOST"),
    systemVersion: read("CI_SERVER_VERSION"),
    repoSlug: path,
    repoOwner: read("CI_PROJECT_NAMESPACE"),
    repoName: read("CI_PROJECT_NAME"),
    repoLink: projectUrl,
    // CI_REPOSITORY_URL embeds the job token, so the clone URL is built from the project URL instead.
    cloneUrl: projectUrl === undefined ? undefined : `${projectUrl}.git`,
    sshUrl:
      sshHost === undefined || path === undefined
        ? undefined
        : sshPort === undefined || sshPort === "22"
          ? `git@${sshHost}:${path}.git`
          : `ssh://git@${sshHost}:${sshPort}/${path}.git`,
    defaultBranch: read("CI_DEFAULT_BRANCH"),
    visibility: read("CI_PROJECT_VISIBILITY"),
    commitSha: sha,
    commitBefore: read("CI_COMMIT_BEFORE_SHA"),
    commitRef: ref,
    commitMessage: read("CI_COMMIT_MESSAGE"),
    commitLink:
      projectUrl !== undefined && sha !== undefined ? `${projectUrl}/-/commit/${sha}` : undefined,
    authorUsername: read("GITLAB_USER_LOGIN"),
    authorName: author?.name,
    authorEmail: author?.email,
    branch: targetBranch ?? pushedBranch,
    sourceBranch,
    targetBranch,
    tag,
    pullRequest: read("CI_MERGE_REQUEST_IID", "CI_EXTERNAL_PULL_REQUEST_IID"),
    pullRequestTitle: read("CI_MERGE_REQUEST_TITLE"),
    event: normaliseGitlabEvent(read("CI_PIPELINE_SOURCE"), tag),
    buildNumber: read("CI_PIPELINE_IID"),
    buildLink: read("CI_PIPELINE_URL"),
    buildStatus: normaliseGitlabStatus(read("CI_JOB_STATUS")),
    buildCreated: read("CI_PIPELINE_CREATED_AT"),
    deployTo: read("CI_ENVIRONMENT_NAME"),
    buildDebug: read("CI_DEBUG_TRACE"),
    workspace: read("CI_PROJECT_DIR"),
    stageName: read("CI_JOB_STAGE"),
    stageOs: os,
    stageArch: arch,
    stepName: read("CI_JOB_NAME"),
    stepLink: read("CI_JOB_URL"),
  };
}

function normaliseGithubEvent(
  name: string | undefined,
  tag: string | undefined,
): string | undefined {
  switch (name) {
    case "push":
      return tag === undefined ? "push" : "tag";
    case "pull_request":
    case "pull_request_target":
      return "pull_request";
    case "schedule":
      return "cron";
    case "workflow_dispatch":
      return "manual";
    default:
      return name;
  }
}

function normaliseGitlabEvent(
  source: string | undefined,
  tag: string | undefined,
): string | undefined {
  switch (source) {
    case "push":
      return tag === undefined ? "push" : "tag";
    case "merge_request_event":
    case "external_pull_request_event":
      return "pull_request";
    case "schedule":
      return "cron";
    case "web":
      return "manual";
    default:
      return source;
  }
}

function normaliseGitlabStatus(status: string | undefined): string | undefined {
  switch (status) {
    // A job that runs has not failed so far, which Drone reports as "success".
    case "running":
      return "success";
    case "failed":
      return "failure";
    // Drone calls a cancelled build "killed"; template helpers such as `failure` match that name.
    case "canceled":
      return "killed";
    default:
      return status;
  }
}

// RUNNER_OS and RUNNER_ARCH in the Go names Drone and Woodpecker use.
const githubOperatingSystems = new Map([
  ["Linux", "linux"],
  ["Windows", "windows"],
  ["macOS", "darwin"],
]);

const githubArchitectures = new Map([
  ["X64", "amd64"],
  ["X86", "386"],
  ["ARM64", "arm64"],
  ["ARM", "arm"],
]);

function readSemVer(env: Environment, tag: string | undefined): SemVer | undefined {
  const read = reader(env);
  // Drone sets DRONE_SEMVER_ERROR instead of the version when the tag is not semver.
  if (read("DRONE_SEMVER_ERROR") !== undefined) return undefined;
  const version = read("DRONE_SEMVER");
  if (version === undefined) return tag === undefined ? undefined : parseSemVer(tag);
  const major = parseInteger(read("DRONE_SEMVER_MAJOR"));
  const minor = parseInteger(read("DRONE_SEMVER_MINOR"));
  const patch = parseInteger(read("DRONE_SEMVER_PATCH"));
  if (major === undefined || minor === undefined || patch === undefined)
    return parseSemVer(version);
  return compact({
    version: version.startsWith("v") ? version.slice(1) : version,
    major,
    minor,
    patch,
    prerelease: read("DRONE_SEMVER_PRERELEASE"),
    build: read("DRONE_SEMVER_BUILD"),
    short: read("DRONE_SEMVER_SHORT") ?? `${major}.${minor}.${patch}`,
  });
}

function readNetrc(env: Environment, system: CiSystemName): BuildMetadata["netrc"] {
  const read = reader(env);
  // The three values are taken from one family of names so that a login never meets another
  // system's password.
  const prefixes = system === "gitlab" ? ["DRONE_NETRC_"] : ["DRONE_NETRC_", "CI_NETRC_"];
  for (const prefix of prefixes) {
    const machine = read(`${prefix}MACHINE`);
    if (machine === undefined) continue;
    return {
      machine,
      username: read(`${prefix}USERNAME`) ?? "",
      password: read(`${prefix}PASSWORD`) ?? "",
    };
  }
  return undefined;
}

/** A function returning the first of the named variables that is set and not empty. */
function reader(env: Environment): (...names: string[]) => string | undefined {
  return (...names) => firstPresent(names.map((name) => env[name]));
}

function firstPresent(values: Array<string | undefined>): string | undefined {
  return values.find((value) => value !== undefined && value !== "");
}

function present(value: string | undefined): string | undefined {
  return value === "" ? undefined : value;
}

function splitSlug(slug: string | undefined): { owner: string; name: string } | undefined {
  const index = slug?.lastIndexOf("/") ?? -1;
  if (slug === undefined || index <= 0 || index === slug.length - 1) return undefined;
  return { owner: slug.slice(0, index), name: slug.slice(index + 1) };
}

function splitPlatform(platform: string | undefined): [string | undefined, string | undefined] {
  if (platform === undefined) return [undefined, undefined];
  const [os, arch] = platform.split("/");
  return [present(os), present(arch)];
}

function hostOf(url: string | undefined): string | undefined {
  if (url === undefined || !URL.canParse(url)) return undefined;
  return present(new URL(url).host);
}

function parseNameAndEmail(
  text: string | undefined,
): { name?: string; email?: string } | undefined {
  if (text === undefined) return undefined;
  const match = /^(.*?)\s*<([^<>]*)>\s*$/.exec(text);
  if (match === null) return { name: text };
  return { name: present(match[1]), email: present(match[2]) };
}

function pullRequestFromRef(ref: string | undefined): number | undefined {
  // GitHub/Gitea `refs/pull/42/head`, Bitbucket Server `refs/pull-requests/42/from`, GitLab `refs/merge-requests/42/head`.
  const match =
    ref === undefined ? null : /^refs\/(?:pull|pull-requests|merge-requests)\/(\d+)\//.exec(ref);
  return parsePositiveInteger(match?.[1]);
}

function parseInteger(text: string | undefined): number | undefined {
  if (text === undefined || !/^\s*\d+\s*$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : undefined;
}

/** Drone and Woodpecker write `0` for "none" (no parent build, not a pull request). */
function parsePositiveInteger(text: string | undefined): number | undefined {
  const value = parseInteger(text);
  return value === undefined || value === 0 ? undefined : value;
}

function parseBoolean(text: string | undefined): boolean | undefined {
  switch (text?.trim().toLowerCase()) {
    case "true":
    case "1":
    case "yes":
    case "on":
      return true;
    case "false":
    case "0":
    case "no":
    case "off":
      return false;
    default:
      return undefined;
  }
}

/** Unix seconds (Drone, Woodpecker; `0` means unset) or an ISO 8601 time (GitLab). */
function parseTimestamp(text: string | undefined): Date | undefined {
  if (text === undefined) return undefined;
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) {
    const seconds = Number(trimmed);
    return seconds === 0 || !Number.isSafeInteger(seconds) ? undefined : new Date(seconds * 1000);
  }
  if (!/^\d{4}-\d{2}-\d{2}T/.test(trimmed)) return undefined;
  const milliseconds = Date.parse(trimmed);
  return Number.isNaN(milliseconds) ? undefined : new Date(milliseconds);
}

function splitList(text: string | undefined): string[] {
  if (text === undefined) return [];
  return text
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
}

/** Drops `undefined` properties, so that the object prints and compares without them. */
function compact<T extends object>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as T;
}
