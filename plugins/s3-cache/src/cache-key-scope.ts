import type { BuildMetadata } from "@spotkit/runtime";
import type { TemplateFields, TemplateFunction, TemplateScope } from "./cache-key-template.js";
import { checksumFile, hashFiles } from "./hash-files.js";

/** What a cache key template is rendered with, besides its text. */
export interface CacheKeyContext {
  /** The workspace: `checksum` and `hashFiles` paths are relative to it. */
  cwd: string;
  /** The build, for `.Repo`, `.Commit` and `.Build`. */
  build: BuildMetadata;
  /** The clock of `epoch`. @default () => new Date() */
  now?: () => Date;
  /** What `os` and `arch` print, Go style. @default the platform this process runs on */
  platform?: { os: string; arch: string };
  signal?: AbortSignal;
}

/**
 * The data templates see: drone-cache's metadata (`internal/metadata/metadata.go`), field for
 * field, filled from the build metadata. Fields drone-cache has but no CI variable gives are empty
 * text, `0` or `false`, as Go prints a zero value.
 */
export function createTemplateData(build: BuildMetadata): TemplateFields {
  return {
    Repo: {
      Avatar: "",
      Branch: build.repo.defaultBranch ?? "",
      Link: build.repo.link ?? "",
      Name: build.repo.name ?? "",
      Namespace: build.repo.owner ?? "",
      Owner: build.repo.owner ?? "",
      Private: build.repo.private ?? false,
      Trusted: false,
    },
    Build: {
      Created: unixSeconds(build.build.created),
      Deploy: build.build.deployTo ?? "",
      Event: build.event ?? "",
      Finished: unixSeconds(build.build.finished),
      Link: build.build.link ?? "",
      Number: build.build.number ?? 0,
      Started: unixSeconds(build.build.started),
      Status: build.build.status,
    },
    Commit: {
      Author: {
        Avatar: build.commit.author.avatar ?? "",
        Email: build.commit.author.email ?? "",
        // drone-cache reads DRONE_COMMIT_AUTHOR, the login, into Author.Name.
        Name: build.commit.author.username ?? build.commit.author.name ?? "",
      },
      Branch: build.commit.branch ?? "",
      Link: build.commit.link ?? "",
      Message: build.commit.message ?? "",
      Ref: build.commit.ref ?? "",
      Remote: build.repo.cloneUrl ?? "",
      Sha: build.commit.sha ?? "",
    },
  };
}

/**
 * The functions templates may call: drone-cache's `checksum` (MD5 of a file), `epoch`, `arch` and
 * `os`, plus actions/cache's `hashFiles`. A `checksum` of a file that cannot be read prints `""`
 * and adds a warning, as drone-cache logs and goes on.
 */
export function createCacheKeyFunctions(
  context: CacheKeyContext,
  warnings: string[],
): Record<string, TemplateFunction> {
  const signalOption = context.signal === undefined ? {} : { signal: context.signal };
  return {
    checksum: {
      arity: { minimum: 1 },
      async call(path) {
        const digest = await checksumFile(path, { cwd: context.cwd, ...signalOption });
        if (digest !== undefined) return digest;
        warnings.push(
          `checksum "${path}": the file cannot be read, so it adds nothing to the key; check the path (relative to ${context.cwd})`,
        );
        return "";
      },
    },
    hashFiles: {
      arity: { minimum: 1, variadic: true },
      call: (...patterns) => hashFiles(patterns, { cwd: context.cwd, ...signalOption }),
    },
    epoch: {
      arity: { minimum: 0 },
      call: () => String(Math.floor((context.now?.() ?? new Date()).getTime() / 1000)),
    },
    arch: { arity: { minimum: 0 }, call: () => (context.platform ?? currentPlatform()).arch },
    os: { arity: { minimum: 0 }, call: () => (context.platform ?? currentPlatform()).os },
  };
}

/** The scope a template renders in: {@link createTemplateData} and {@link createCacheKeyFunctions}. */
export function createCacheKeyScope(context: CacheKeyContext, warnings: string[]): TemplateScope {
  return {
    data: createTemplateData(context.build),
    functions: createCacheKeyFunctions(context, warnings),
  };
}

/** The platform this process runs on, in Go's names (`GOOS`, `GOARCH`), as drone-cache prints them. */
export function currentPlatform(): { os: string; arch: string } {
  return {
    os: goOperatingSystems[process.platform] ?? process.platform,
    arch: goArchitectures[process.arch] ?? process.arch,
  };
}

// --- internal ---

const goOperatingSystems: Record<string, string> = {
  win32: "windows",
  sunos: "solaris",
};

const goArchitectures: Record<string, string> = {
  x64: "amd64",
  ia32: "386",
  // Node names little-endian 64-bit PowerPC ppc64; Go calls the Linux port ppc64le.
  ppc64: "ppc64le",
  loong64: "loong64",
};

function unixSeconds(date: Date | undefined): number {
  return date === undefined ? 0 : Math.floor(date.getTime() / 1000);
}
