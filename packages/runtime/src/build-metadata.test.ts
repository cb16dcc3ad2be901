import { describe, expect, it } from "vitest";
import { readBuildMetadata } from "./build-metadata.js";
import { parseSemVer } from "./semver.js";

type Environment = Record<string, string>;

/**
 * The environment drone-runner-docker gives a step of a push build: drone/runner-go's
 * environ.System/Repo/Build/Stage/Step/Link/Netrc plus the compiler's workspace variables,
 * legacy CI_* aliases included.
 */
function dronePushEnvironment(): Environment {
  return {
    CI: "true",
    DRONE: "true",
    DRONE_SYSTEM_PROTO: "https",
    DRONE_SYSTEM_HOST: "drone.example.com",
    DRONE_SYSTEM_HOSTNAME: "drone.example.com",
    DRONE_SYSTEM_VERSION: "2.26.0",
    DRONE_REPO: "octocat/hello-world",
    DRONE_REPO_SCM: "",
    DRONE_REPO_OWNER: "octocat",
    DRONE_REPO_NAMESPACE: "octocat",
    DRONE_REPO_NAME: "hello-world",
    DRONE_REPO_LINK: "https://github.com/octocat/hello-world",
    DRONE_REPO_BRANCH: "main",
    DRONE_REMOTE_URL: "https://github.com/octocat/hello-world.git",
    DRONE_GIT_HTTP_URL: "https://github.com/octocat/hello-world.git",
    DRONE_GIT_SSH_URL: "git@github.com:octocat/hello-world.git",
    DRONE_REPO_VISIBILITY: "public",
    DRONE_REPO_PRIVATE: "false",
    CI_REPO: "octocat/hello-world",
    // Drone 0.8's alias holds the slug, unlike Woodpecker's CI_REPO_NAME.
    CI_REPO_NAME: "octocat/hello-world",
    CI_REPO_LINK: "https://github.com/octocat/hello-world",
    CI_REPO_REMOTE: "https://github.com/octocat/hello-world.git",
    CI_REMOTE_URL: "https://github.com/octocat/hello-world.git",
    CI_REPO_PRIVATE: "false",
    DRONE_BRANCH: "main",
    DRONE_SOURCE_BRANCH: "main",
    DRONE_TARGET_BRANCH: "main",
    DRONE_COMMIT: "7fd1a60b01f91b314f59955a4e4d4e80d8edf11d",
    DRONE_COMMIT_SHA: "7fd1a60b01f91b314f59955a4e4d4e80d8edf11d",
    DRONE_COMMIT_BEFORE: "553c2077f0edc3d5dc5d17262f6aa498e69d6f8e",
    DRONE_COMMIT_AFTER: "7fd1a60b01f91b314f59955a4e4d4e80d8edf11d",
    DRONE_COMMIT_REF: "refs/heads/main",
    DRONE_COMMIT_BRANCH: "main",
    DRONE_COMMIT_LINK: "https://github.com/octocat/hello-world/compare/553c2077f0ed...7fd1a60b01f9",
    DRONE_COMMIT_MESSAGE: "Update README.md\n",
    DRONE_COMMIT_AUTHOR: "octocat",
    DRONE_COMMIT_AUTHOR_EMAIL: "octocat@github.com",
    DRONE_COMMIT_AUTHOR_AVATAR: "https://avatars.githubusercontent.com/u/583231",
    DRONE_COMMIT_AUTHOR_NAME: "The Octocat",
    DRONE_BUILD_NUMBER: "128",
    DRONE_BUILD_PARENT: "0",
    DRONE_BUILD_EVENT: "push",
    DRONE_BUILD_ACTION: "",
    DRONE_BUILD_STATUS: "success",
    DRONE_BUILD_DEBUG: "false",
    DRONE_BUILD_CREATED: "1700000000",
    DRONE_BUILD_STARTED: "1700000005",
    DRONE_BUILD_FINISHED: "1700000123",
    DRONE_DEPLOY_TO: "",
    DRONE_DEPLOY_ID: "0",
    DRONE_BUILD_TRIGGER: "@hook",
    DRONE_BUILD_LINK: "https://drone.example.com/octocat/hello-world/128",
    CI_BUILD_NUMBER: "128",
    CI_PARENT_BUILD_NUMBER: "0",
    CI_BUILD_CREATED: "1700000000",
    CI_BUILD_STARTED: "1700000005",
    CI_BUILD_FINISHED: "0",
    CI_BUILD_STATUS: "running",
    CI_BUILD_EVENT: "push",
    CI_BUILD_LINK: "",
    CI_BUILD_TARGET: "",
    CI_COMMIT_SHA: "7fd1a60b01f91b314f59955a4e4d4e80d8edf11d",
    CI_COMMIT_REF: "refs/heads/main",
    CI_COMMIT_BRANCH: "main",
    CI_COMMIT_MESSAGE: "Update README.md\n",
    CI_COMMIT_AUTHOR: "octocat",
    CI_COMMIT_AUTHOR_NAME: "The Octocat",
    CI_COMMIT_AUTHOR_EMAIL: "octocat@github.com",
    CI_COMMIT_AUTHOR_AVATAR: "https://avatars.githubusercontent.com/u/583231",
    DRONE_STAGE_KIND: "pipeline",
    DRONE_STAGE_TYPE: "docker",
    DRONE_STAGE_NAME: "default",
    DRONE_STAGE_NUMBER: "1",
    DRONE_STAGE_MACHINE: "runner-1",
    DRONE_STAGE_OS: "linux",
    DRONE_STAGE_ARCH: "amd64",
    DRONE_STAGE_VARIANT: "",
    DRONE_STAGE_VERSION: "1",
    DRONE_STAGE_STATUS: "success",
    DRONE_STAGE_STARTED: "1700000006",
    DRONE_STAGE_FINISHED: "1700000120",
    DRONE_STAGE_DEPENDS_ON: "",
    DRONE_CARD_PATH: "/dev/stdout",
    DRONE_STEP_NAME: "publish",
    DRONE_STEP_NUMBER: "3",
    DRONE_NETRC_MACHINE: "github.com",
    DRONE_NETRC_USERNAME: "octocat",
    DRONE_NETRC_PASSWORD: "ghp_secret",
    DRONE_NETRC_FILE: "machine github.com login octocat password ghp_secret",
    DRONE_DOCKER_NETWORK_ID: "abcdef",
    DRONE_WORKSPACE: "/drone/src",
    DRONE_WORKSPACE_BASE: "/drone/src",
    DRONE_WORKSPACE_PATH: "",
    CI_WORKSPACE: "/drone/src",
    CI_WORKSPACE_BASE: "/drone/src",
    CI_WORKSPACE_PATH: "",
    PLUGIN_CHANNEL: "dev",
  };
}

/** What runner-go changes for a tag build (`ref` refs/tags/…), semver variables included. */
function droneTagEnvironment(): Environment {
  return {
    ...dronePushEnvironment(),
    DRONE_BUILD_EVENT: "tag",
    DRONE_COMMIT_REF: "refs/tags/v1.2.3-rc.1+build.5",
    DRONE_BRANCH: "main",
    DRONE_TAG: "v1.2.3-rc.1+build.5",
    DRONE_SEMVER: "1.2.3-rc.1+build.5",
    DRONE_SEMVER_MAJOR: "1",
    DRONE_SEMVER_MINOR: "2",
    DRONE_SEMVER_PATCH: "3",
    DRONE_SEMVER_PRERELEASE: "rc.1",
    DRONE_SEMVER_BUILD: "build.5",
    DRONE_SEMVER_SHORT: "1.2.3",
    DRONE_CALVER: "",
  };
}

/** What runner-go changes for a pull request build. */
function dronePullRequestEnvironment(): Environment {
  return {
    ...dronePushEnvironment(),
    DRONE_BUILD_EVENT: "pull_request",
    DRONE_BUILD_ACTION: "opened",
    DRONE_COMMIT_REF: "refs/pull/42/head",
    DRONE_BRANCH: "main",
    DRONE_COMMIT_BRANCH: "main",
    DRONE_SOURCE_BRANCH: "feature/login",
    DRONE_TARGET_BRANCH: "main",
    DRONE_PULL_REQUEST: "42",
    DRONE_PULL_REQUEST_TITLE: "Add a login page",
    DRONE_COMMIT_LINK: "https://github.com/octocat/hello-world/pull/42",
  };
}

/**
 * A Woodpecker command step, with the names pipeline/frontend/metadata/environment.go,
 * pipeline/runtime/step.go, agent/runner.go and compiler/convert.go set.
 */
function woodpeckerEnvironment(): Environment {
  return {
    CI: "woodpecker",
    CI_SYSTEM_NAME: "woodpecker",
    CI_SYSTEM_URL: "https://ci.example.org",
    CI_SYSTEM_HOST: "ci.example.org",
    CI_SYSTEM_VERSION: "3.5.0",
    CI_SYSTEM_PLATFORM: "linux/arm64",
    CI_FORGE_TYPE: "forgejo",
    CI_FORGE_URL: "https://codeberg.org",
    CI_REPO: "alice/spark-pi",
    CI_REPO_NAME: "spark-pi",
    CI_REPO_OWNER: "alice",
    CI_REPO_REMOTE_ID: "1234",
    CI_REPO_URL: "https://codeberg.org/alice/spark-pi",
    CI_REPO_CLONE_URL: "https://codeberg.org/alice/spark-pi.git",
    CI_REPO_CLONE_SSH_URL: "ssh://git@codeberg.org/alice/spark-pi.git",
    CI_REPO_DEFAULT_BRANCH: "main",
    CI_REPO_PRIVATE: "true",
    CI_REPO_TRUSTED_NETWORK: "false",
    CI_PIPELINE_NUMBER: "57",
    CI_PIPELINE_PARENT: "0",
    CI_PIPELINE_EVENT: "pull_request",
    CI_PIPELINE_URL: "https://ci.example.org/repos/9/pipeline/57",
    CI_PIPELINE_FORGE_URL: "https://codeberg.org/alice/spark-pi/pulls/7",
    CI_PIPELINE_CREATED: "1700001000",
    CI_PIPELINE_STARTED: "1700001010",
    CI_PIPELINE_AUTHOR: "bob",
    CI_PIPELINE_AVATAR: "https://codeberg.org/avatars/bob",
    CI_PIPELINE_STATUS: "failure",
    CI_PIPELINE_FILES: '["README.md"]',
    CI_WORKFLOW_NAME: "build",
    CI_WORKFLOW_NUMBER: "2",
    CI_STEP_NAME: "notify",
    CI_STEP_NUMBER: "4",
    CI_STEP_URL: "https://ci.example.org/repos/9/pipeline/57/4",
    CI_STEP_STARTED: "1700001100",
    CI_STEP_TYPE: "commands",
    CI_COMMIT_SHA: "0b5c2f7e9d1a3b4c5d6e7f8091a2b3c4d5e6f708",
    CI_COMMIT_REF: "refs/pull/7/head",
    CI_COMMIT_REFSPEC: "feature/pi:main",
    CI_COMMIT_MESSAGE: "Compute more digits",
    CI_COMMIT_BRANCH: "main",
    CI_COMMIT_AUTHOR: "bob",
    CI_COMMIT_AUTHOR_EMAIL: "bob@example.org",
    CI_COMMIT_AUTHOR_AVATAR: "https://codeberg.org/avatars/bob",
    CI_COMMIT_SOURCE_BRANCH: "feature/pi",
    CI_COMMIT_TARGET_BRANCH: "main",
    CI_COMMIT_PULL_REQUEST: "7",
    CI_COMMIT_PULL_REQUEST_LABELS: "enhancement",
    CI_PREV_COMMIT_SHA: "ffeeddccbbaa99887766554433221100ffeeddcc",
    CI_PREV_PIPELINE_NUMBER: "56",
    CI_WORKSPACE: "/woodpecker/src/codeberg.org/alice/spark-pi",
    CI_MACHINE: "agent-7",
  };
}

/** Woodpecker's metadata.SetDroneEnviron (pipeline/frontend/metadata/drone_compatibility.go), for plugin steps. */
function withWoodpeckerDroneCompatibility(env: Environment): Environment {
  const copies: Array<[string, string]> = [
    ["CI_COMMIT_BRANCH", "DRONE_BRANCH"],
    ["CI_COMMIT_PULL_REQUEST", "DRONE_PULL_REQUEST"],
    ["CI_COMMIT_PULL_REQUEST", "PULLREQUEST_DRONE_PULL_REQUEST"],
    ["CI_COMMIT_TAG", "DRONE_TAG"],
    ["CI_COMMIT_SOURCE_BRANCH", "DRONE_SOURCE_BRANCH"],
    ["CI_COMMIT_TARGET_BRANCH", "DRONE_TARGET_BRANCH"],
    ["CI_PIPELINE_NUMBER", "DRONE_BUILD_NUMBER"],
    ["CI_PIPELINE_PARENT", "DRONE_BUILD_PARENT"],
    ["CI_PIPELINE_EVENT", "DRONE_BUILD_EVENT"],
    ["CI_PIPELINE_URL", "DRONE_BUILD_LINK"],
    ["CI_PIPELINE_CREATED", "DRONE_BUILD_CREATED"],
    ["CI_PIPELINE_STARTED", "DRONE_BUILD_STARTED"],
    ["CI_COMMIT_SHA", "DRONE_COMMIT"],
    ["CI_COMMIT_SHA", "DRONE_COMMIT_SHA"],
    ["CI_PREV_COMMIT_SHA", "DRONE_COMMIT_BEFORE"],
    ["CI_COMMIT_REF", "DRONE_COMMIT_REF"],
    ["CI_COMMIT_BRANCH", "DRONE_COMMIT_BRANCH"],
    ["CI_PIPELINE_FORGE_URL", "DRONE_COMMIT_LINK"],
    ["CI_COMMIT_MESSAGE", "DRONE_COMMIT_MESSAGE"],
    ["CI_COMMIT_AUTHOR", "DRONE_COMMIT_AUTHOR"],
    ["CI_COMMIT_AUTHOR", "DRONE_COMMIT_AUTHOR_NAME"],
    ["CI_COMMIT_AUTHOR_EMAIL", "DRONE_COMMIT_AUTHOR_EMAIL"],
    ["CI_PIPELINE_AVATAR", "DRONE_COMMIT_AUTHOR_AVATAR"],
    ["CI_REPO", "DRONE_REPO"],
    ["CI_REPO_OWNER", "DRONE_REPO_OWNER"],
    ["CI_REPO_NAME", "DRONE_REPO_NAME"],
    ["CI_REPO_URL", "DRONE_REPO_LINK"],
    ["CI_REPO_DEFAULT_BRANCH", "DRONE_REPO_BRANCH"],
    ["CI_REPO_PRIVATE", "DRONE_REPO_PRIVATE"],
    ["CI_REPO_CLONE_URL", "DRONE_REMOTE_URL"],
    ["CI_REPO_CLONE_URL", "DRONE_GIT_HTTP_URL"],
    ["CI_SYSTEM_HOST", "DRONE_SYSTEM_HOST"],
    ["CI_STEP_NUMBER", "DRONE_STEP_NUMBER"],
  ];
  const result = { ...env };
  for (const [woodpecker, drone] of copies) {
    const value = env[woodpecker];
    if (value !== undefined) result[drone] = value;
  }
  result.DRONE_BUILD_STATUS = "success";
  result.DRONE_REPO_SCM = "git";
  if (!env.CI_COMMIT_PULL_REQUEST) result.PULLREQUEST_DRONE_PULL_REQUEST = "0";
  return result;
}

/** A GitHub Actions job on a pull request (docs.github.com "Variables reference"). */
function githubPullRequestEnvironment(): Environment {
  return {
    CI: "true",
    GITHUB_ACTIONS: "true",
    GITHUB_SERVER_URL: "https://github.com",
    GITHUB_API_URL: "https://api.github.com",
    GITHUB_REPOSITORY: "octo-org/spotkit-demo",
    GITHUB_REPOSITORY_OWNER: "octo-org",
    GITHUB_SHA: "ffac537e6cbbf934b08745a378932722df287a53",
    GITHUB_REF: "refs/pull/7/merge",
    GITHUB_REF_NAME: "7/merge",
    GITHUB_REF_TYPE: "branch",
    GITHUB_HEAD_REF: "feature/cards",
    GITHUB_BASE_REF: "main",
    GITHUB_EVENT_NAME: "pull_request",
    GITHUB_ACTOR: "monalisa",
    GITHUB_RUN_ID: "1658821493",
    GITHUB_RUN_NUMBER: "31",
    GITHUB_RUN_ATTEMPT: "1",
    GITHUB_JOB: "build",
    GITHUB_ACTION: "__run_2",
    GITHUB_WORKFLOW: "CI",
    GITHUB_WORKSPACE: "/opt/actions-runner/_work/spotkit-demo/spotkit-demo",
    GITHUB_OUTPUT: "/opt/actions-runner/_work/_temp/_runner_file_commands/set_output_1",
    RUNNER_OS: "Linux",
    RUNNER_ARCH: "X64",
    RUNNER_NAME: "GitHub Actions 12",
    RUNNER_DEBUG: "1",
  };
}

/** A GitLab CI/CD job (docs.gitlab.com "Predefined CI/CD variables reference"). */
function gitlabMergeRequestEnvironment(): Environment {
  return {
    CI: "true",
    GITLAB_CI: "true",
    CI_SERVER: "yes",
    CI_SERVER_HOST: "gitlab.example.com",
    CI_SERVER_URL: "https://gitlab.example.com",
    CI_SERVER_VERSION: "17.5.1",
    CI_SERVER_SHELL_SSH_HOST: "gitlab.example.com",
    CI_SERVER_SHELL_SSH_PORT: "22",
    CI_PROJECT_PATH: "platform/delivery/spotguide",
    CI_PROJECT_NAMESPACE: "platform/delivery",
    CI_PROJECT_NAME: "spotguide",
    CI_PROJECT_URL: "https://gitlab.example.com/platform/delivery/spotguide",
    CI_PROJECT_DIR: "/builds/platform/delivery/spotguide",
    CI_PROJECT_VISIBILITY: "internal",
    CI_DEFAULT_BRANCH: "main",
    CI_REPOSITORY_URL:
      "https://gitlab-ci-token:glcbt-secret@gitlab.example.com/platform/delivery/spotguide.git",
    CI_COMMIT_SHA: "1ecfd275763eff1d6b4844ea3168962458c9f27a",
    CI_COMMIT_BEFORE_SHA: "0000000000000000000000000000000000000000",
    CI_COMMIT_REF_NAME: "feature/helm",
    CI_COMMIT_REF_SLUG: "feature-helm",
    CI_COMMIT_MESSAGE: "Deploy with Helm\n",
    CI_COMMIT_AUTHOR: "Jane Doe <jane@example.com>",
    CI_PIPELINE_ID: "1000",
    CI_PIPELINE_IID: "12",
    CI_PIPELINE_SOURCE: "merge_request_event",
    CI_PIPELINE_URL: "https://gitlab.example.com/platform/delivery/spotguide/-/pipelines/1000",
    CI_PIPELINE_CREATED_AT: "2024-05-01T10:00:00Z",
    CI_MERGE_REQUEST_IID: "3",
    CI_MERGE_REQUEST_TITLE: "Deploy with Helm",
    CI_MERGE_REQUEST_SOURCE_BRANCH_NAME: "feature/helm",
    CI_MERGE_REQUEST_TARGET_BRANCH_NAME: "main",
    CI_MERGE_REQUEST_REF_PATH: "refs/merge-requests/3/head",
    CI_JOB_ID: "5000",
    CI_JOB_NAME: "deploy",
    CI_JOB_STAGE: "release",
    CI_JOB_URL: "https://gitlab.example.com/platform/delivery/spotguide/-/jobs/5000",
    CI_JOB_STATUS: "running",
    CI_RUNNER_EXECUTABLE_ARCH: "linux/amd64",
    GITLAB_USER_LOGIN: "jdoe",
    GITLAB_USER_NAME: "Jane Doe",
    GITLAB_USER_EMAIL: "jane@example.com",
  };
}

describe("readBuildMetadata", () => {
  it("reads a Drone push build", () => {
    expect(readBuildMetadata(dronePushEnvironment())).toEqual({
      system: { name: "drone", host: "drone.example.com", version: "2.26.0" },
      repo: {
        slug: "octocat/hello-world",
        owner: "octocat",
        name: "hello-world",
        link: "https://github.com/octocat/hello-world",
        cloneUrl: "https://github.com/octocat/hello-world.git",
        sshUrl: "git@github.com:octocat/hello-world.git",
        defaultBranch: "main",
        private: false,
        visibility: "public",
      },
      commit: {
        sha: "7fd1a60b01f91b314f59955a4e4d4e80d8edf11d",
        before: "553c2077f0edc3d5dc5d17262f6aa498e69d6f8e",
        ref: "refs/heads/main",
        branch: "main",
        message: "Update README.md\n",
        link: "https://github.com/octocat/hello-world/compare/553c2077f0ed...7fd1a60b01f9",
        author: {
          username: "octocat",
          name: "The Octocat",
          email: "octocat@github.com",
          avatar: "https://avatars.githubusercontent.com/u/583231",
        },
      },
      branch: "main",
      sourceBranch: "main",
      targetBranch: "main",
      event: "push",
      build: {
        number: 128,
        link: "https://drone.example.com/octocat/hello-world/128",
        status: "success",
        created: new Date("2023-11-14T22:13:20Z"),
        started: new Date("2023-11-14T22:13:25Z"),
        finished: new Date("2023-11-14T22:15:23Z"),
        debug: false,
        failedSteps: [],
        failedStages: [],
      },
      workspace: "/drone/src",
      netrc: { machine: "github.com", username: "octocat", password: "ghp_secret" },
      stage: { name: "default", number: 1, machine: "runner-1", os: "linux", arch: "amd64" },
      step: { name: "publish", number: 3 },
    });
  });

  it("reads a Drone tag build with its DRONE_SEMVER variables", () => {
    const metadata = readBuildMetadata(droneTagEnvironment());
    expect(metadata.event).toBe("tag");
    expect(metadata.tag).toBe("v1.2.3-rc.1+build.5");
    expect(metadata.commit.ref).toBe("refs/tags/v1.2.3-rc.1+build.5");
    expect(metadata.pullRequest).toBeUndefined();
    expect(metadata.semver).toEqual({
      version: "1.2.3-rc.1+build.5",
      major: 1,
      minor: 2,
      patch: 3,
      prerelease: "rc.1",
      build: "build.5",
      short: "1.2.3",
    });
  });

  it("parses the tag to the same SemVer when DRONE_SEMVER is absent (Woodpecker plugin steps)", () => {
    const environment = droneTagEnvironment();
    for (const name of Object.keys(environment)) {
      if (name.startsWith("DRONE_SEMVER")) delete environment[name];
    }
    const metadata = readBuildMetadata(environment);
    expect(metadata.semver).toEqual(readBuildMetadata(droneTagEnvironment()).semver);
    expect(metadata.semver).toEqual(parseSemVer("v1.2.3-rc.1+build.5"));
  });

  it("has no semver when Drone reported DRONE_SEMVER_ERROR", () => {
    const metadata = readBuildMetadata({
      ...dronePushEnvironment(),
      DRONE_BUILD_EVENT: "tag",
      DRONE_COMMIT_REF: "refs/tags/release-2024",
      DRONE_TAG: "release-2024",
      DRONE_SEMVER_ERROR: "release-2024 is not in dotted-tri format",
    });
    expect(metadata.tag).toBe("release-2024");
    expect(metadata.semver).toBeUndefined();
  });

  it("reads a Drone pull request build", () => {
    const metadata = readBuildMetadata(dronePullRequestEnvironment());
    expect(metadata).toMatchObject({
      event: "pull_request",
      pullRequest: 42,
      pullRequestTitle: "Add a login page",
      branch: "main",
      sourceBranch: "feature/login",
      targetBranch: "main",
      commit: { ref: "refs/pull/42/head", branch: "main" },
    });
    expect(metadata.tag).toBeUndefined();
    expect(metadata.semver).toBeUndefined();
  });

  it("takes the pull request number from the ref when no variable gives it", () => {
    const environment = dronePullRequestEnvironment();
    delete environment.DRONE_PULL_REQUEST;
    expect(readBuildMetadata(environment).pullRequest).toBe(42);
  });

  it("reads a failing Drone build's failed steps and stages", () => {
    const metadata = readBuildMetadata({
      ...dronePushEnvironment(),
      DRONE_BUILD_STATUS: "failure",
      DRONE_FAILED_STEPS: "test,lint",
      DRONE_FAILED_STAGES: "default",
      DRONE_BUILD_DEBUG: "true",
      DRONE_BUILD_PARENT: "127",
      DRONE_DEPLOY_TO: "production",
    });
    expect(metadata.build).toMatchObject({
      status: "failure",
      failedSteps: ["test", "lint"],
      failedStages: ["default"],
      debug: true,
      parent: 127,
      deployTo: "production",
    });
  });

  it("reads a Woodpecker command step from its CI_* variables", () => {
    expect(readBuildMetadata(woodpeckerEnvironment())).toEqual({
      system: { name: "woodpecker", host: "ci.example.org", version: "3.5.0" },
      repo: {
        slug: "alice/spark-pi",
        owner: "alice",
        name: "spark-pi",
        link: "https://codeberg.org/alice/spark-pi",
        cloneUrl: "https://codeberg.org/alice/spark-pi.git",
        sshUrl: "ssh://git@codeberg.org/alice/spark-pi.git",
        defaultBranch: "main",
        private: true,
      },
      commit: {
        sha: "0b5c2f7e9d1a3b4c5d6e7f8091a2b3c4d5e6f708",
        before: "ffeeddccbbaa99887766554433221100ffeeddcc",
        ref: "refs/pull/7/head",
        branch: "main",
        message: "Compute more digits",
        link: "https://codeberg.org/alice/spark-pi/pulls/7",
        author: {
          username: "bob",
          name: "bob",
          email: "bob@example.org",
          avatar: "https://codeberg.org/avatars/bob",
        },
      },
      branch: "main",
      sourceBranch: "feature/pi",
      targetBranch: "main",
      pullRequest: 7,
      event: "pull_request",
      build: {
        number: 57,
        link: "https://ci.example.org/repos/9/pipeline/57",
        status: "failure",
        created: new Date(1_700_001_000_000),
        started: new Date(1_700_001_010_000),
        debug: false,
        failedSteps: [],
        failedStages: [],
      },
      workspace: "/woodpecker/src/codeberg.org/alice/spark-pi",
      stage: { name: "build", number: 2, machine: "agent-7", os: "linux", arch: "arm64" },
      step: { name: "notify", number: 4, link: "https://ci.example.org/repos/9/pipeline/57/4" },
    });
  });

  it("reads a Woodpecker plugin step the same, except that the status stays Woodpecker's", () => {
    const commandStep = readBuildMetadata(woodpeckerEnvironment());
    const pluginStep = readBuildMetadata(withWoodpeckerDroneCompatibility(woodpeckerEnvironment()));
    // DRONE_BUILD_STATUS is always "success" there; CI_PIPELINE_STATUS says "failure".
    expect(pluginStep.build.status).toBe("failure");
    expect(pluginStep).toEqual(commandStep);
  });

  it("reads Woodpecker's netrc variables of a clone step", () => {
    const metadata = readBuildMetadata({
      ...woodpeckerEnvironment(),
      CI_NETRC_MACHINE: "codeberg.org",
      CI_NETRC_USERNAME: "alice",
      CI_NETRC_PASSWORD: "token-1",
    });
    expect(metadata.netrc).toEqual({
      machine: "codeberg.org",
      username: "alice",
      password: "token-1",
    });
  });

  it("prefers DRONE_* to CI_* when both are set", () => {
    const metadata = readBuildMetadata({
      ...woodpeckerEnvironment(),
      DRONE_REPO: "drone-owner/drone-name",
      DRONE_COMMIT_SHA: "dddddddddddddddddddddddddddddddddddddddd",
      DRONE_BRANCH: "release",
      DRONE_BUILD_NUMBER: "900",
      DRONE_WORKSPACE: "/drone/src",
      DRONE_NETRC_MACHINE: "drone.example.com",
      DRONE_NETRC_USERNAME: "drone-user",
      DRONE_NETRC_PASSWORD: "drone-password",
      CI_NETRC_MACHINE: "codeberg.org",
      CI_NETRC_USERNAME: "alice",
      CI_NETRC_PASSWORD: "token-1",
    });
    expect(metadata).toMatchObject({
      repo: { slug: "drone-owner/drone-name", owner: "drone-owner", name: "drone-name" },
      commit: { sha: "dddddddddddddddddddddddddddddddddddddddd" },
      branch: "release",
      build: { number: 900 },
      workspace: "/drone/src",
      netrc: { machine: "drone.example.com", username: "drone-user", password: "drone-password" },
    });
  });

  it("treats empty variables as unset", () => {
    const metadata = readBuildMetadata({
      ...woodpeckerEnvironment(),
      CI_PIPELINE_EVENT: "tag",
      CI_COMMIT_REF: "refs/tags/v2.0.0",
      CI_COMMIT_TAG: "v2.0.0",
      DRONE_TAG: "",
      DRONE_COMMIT_SHA: "",
      DRONE_BUILD_NUMBER: "",
    });
    expect(metadata.tag).toBe("v2.0.0");
    expect(metadata.semver?.version).toBe("2.0.0");
    expect(metadata.commit.sha).toBe("0b5c2f7e9d1a3b4c5d6e7f8091a2b3c4d5e6f708");
    expect(metadata.build.number).toBe(57);
  });

  it("reads a GitHub Actions pull request job", () => {
    expect(readBuildMetadata(githubPullRequestEnvironment())).toEqual({
      system: { name: "github", host: "github.com" },
      repo: {
        slug: "octo-org/spotkit-demo",
        owner: "octo-org",
        name: "spotkit-demo",
        link: "https://github.com/octo-org/spotkit-demo",
        cloneUrl: "https://github.com/octo-org/spotkit-demo.git",
        sshUrl: "git@github.com:octo-org/spotkit-demo.git",
      },
      commit: {
        sha: "ffac537e6cbbf934b08745a378932722df287a53",
        ref: "refs/pull/7/merge",
        branch: "main",
        link: "https://github.com/octo-org/spotkit-demo/commit/ffac537e6cbbf934b08745a378932722df287a53",
        author: { username: "monalisa" },
      },
      branch: "main",
      sourceBranch: "feature/cards",
      targetBranch: "main",
      pullRequest: 7,
      event: "pull_request",
      build: {
        number: 31,
        link: "https://github.com/octo-org/spotkit-demo/actions/runs/1658821493",
        status: "success",
        debug: true,
        failedSteps: [],
        failedStages: [],
      },
      workspace: "/opt/actions-runner/_work/spotkit-demo/spotkit-demo",
      stage: { name: "build", machine: "GitHub Actions 12", os: "linux", arch: "amd64" },
      step: { name: "__run_2" },
    });
  });

  it("reads GitHub Actions pushes of a branch and of a tag", () => {
    const push = {
      ...githubPullRequestEnvironment(),
      GITHUB_EVENT_NAME: "push",
      GITHUB_REF: "refs/heads/develop",
      GITHUB_REF_NAME: "develop",
      GITHUB_REF_TYPE: "branch",
      GITHUB_HEAD_REF: "",
      GITHUB_BASE_REF: "",
    };
    expect(readBuildMetadata(push)).toMatchObject({ event: "push", branch: "develop" });
    expect(readBuildMetadata(push).pullRequest).toBeUndefined();
    const tag = {
      ...push,
      GITHUB_REF: "refs/tags/v3.1.0",
      GITHUB_REF_NAME: "v3.1.0",
      GITHUB_REF_TYPE: "tag",
    };
    expect(readBuildMetadata(tag)).toMatchObject({
      event: "tag",
      tag: "v3.1.0",
      semver: { version: "3.1.0", major: 3, minor: 1, patch: 0, short: "3.1.0" },
    });
    expect(readBuildMetadata({ ...push, GITHUB_EVENT_NAME: "schedule" }).event).toBe("cron");
    expect(readBuildMetadata({ ...push, GITHUB_EVENT_NAME: "workflow_dispatch" }).event).toBe(
      "manual",
    );
  });

  it("reads a GitLab merge request pipeline without mistaking GitLab's CI_* for Woodpecker's", () => {
    expect(readBuildMetadata(gitlabMergeRequestEnvironment())).toEqual({
      system: { name: "gitlab", host: "gitlab.example.com", version: "17.5.1" },
      repo: {
        slug: "platform/delivery/spotguide",
        owner: "platform/delivery",
        name: "spotguide",
        link: "https://gitlab.example.com/platform/delivery/spotguide",
        // Not CI_REPOSITORY_URL, which holds the job token.
        cloneUrl: "https://gitlab.example.com/platform/delivery/spotguide.git",
        sshUrl: "git@gitlab.example.com:platform/delivery/spotguide.git",
        defaultBranch: "main",
        private: true,
        visibility: "internal",
      },
      commit: {
        sha: "1ecfd275763eff1d6b4844ea3168962458c9f27a",
        before: "0000000000000000000000000000000000000000",
        ref: "refs/merge-requests/3/head",
        branch: "main",
        message: "Deploy with Helm\n",
        link: "https://gitlab.example.com/platform/delivery/spotguide/-/commit/1ecfd275763eff1d6b4844ea3168962458c9f27a",
        author: { username: "jdoe", name: "Jane Doe", email: "jane@example.com" },
      },
      branch: "main",
      sourceBranch: "feature/helm",
      targetBranch: "main",
      pullRequest: 3,
      pullRequestTitle: "Deploy with Helm",
      event: "pull_request",
      build: {
        number: 12,
        link: "https://gitlab.example.com/platform/delivery/spotguide/-/pipelines/1000",
        status: "success",
        created: new Date("2024-05-01T10:00:00Z"),
        debug: false,
        failedSteps: [],
        failedStages: [],
      },
      workspace: "/builds/platform/delivery/spotguide",
      stage: { name: "release", os: "linux", arch: "amd64" },
      step: {
        name: "deploy",
        link: "https://gitlab.example.com/platform/delivery/spotguide/-/jobs/5000",
      },
    });
  });

  it("reads GitLab branch and tag pipelines", () => {
    const branchPipeline: Environment = {
      ...gitlabMergeRequestEnvironment(),
      CI_PIPELINE_SOURCE: "push",
      CI_COMMIT_BRANCH: "main",
      CI_COMMIT_REF_NAME: "main",
      CI_PROJECT_VISIBILITY: "public",
      CI_JOB_STATUS: "failed",
    };
    for (const name of Object.keys(branchPipeline)) {
      if (name.startsWith("CI_MERGE_REQUEST_")) delete branchPipeline[name];
    }
    expect(readBuildMetadata(branchPipeline)).toMatchObject({
      event: "push",
      branch: "main",
      commit: { ref: "refs/heads/main" },
      repo: { private: false },
      build: { status: "failure" },
    });
    expect(readBuildMetadata(branchPipeline).pullRequest).toBeUndefined();

    const tagPipeline = {
      ...branchPipeline,
      CI_COMMIT_BRANCH: "",
      CI_COMMIT_REF_NAME: "v0.9.1",
      CI_COMMIT_TAG: "v0.9.1",
    };
    const metadata = readBuildMetadata(tagPipeline);
    expect(metadata).toMatchObject({
      event: "tag",
      tag: "v0.9.1",
      commit: { ref: "refs/tags/v0.9.1" },
    });
    expect(metadata.branch).toBeUndefined();
    expect(metadata.semver?.short).toBe("0.9.1");
  });

  it("returns an empty object for an empty environment", () => {
    expect(readBuildMetadata({})).toEqual({
      system: { name: "unknown" },
      repo: {},
      commit: { author: {} },
      build: { status: "success", debug: false, failedSteps: [], failedStages: [] },
      stage: {},
      step: {},
    });
  });

  it("detects the system from its variables when the marker is missing", () => {
    expect(readBuildMetadata({ DRONE_REPO: "a/b" }).system.name).toBe("drone");
    expect(readBuildMetadata({ CI_PIPELINE_NUMBER: "1" }).system.name).toBe("woodpecker");
    expect(readBuildMetadata({ CI_PROJECT_PATH: "a/b" }).system.name).toBe("gitlab");
    expect(readBuildMetadata({ GITHUB_REPOSITORY: "a/b" }).system.name).toBe("github");
  });

  it("derives the owner and name from the slug, and leaves out what cannot be parsed", () => {
    const metadata = readBuildMetadata({
      DRONE_REPO: "group/subgroup/project",
      DRONE_BUILD_NUMBER: "not-a-number",
      DRONE_BUILD_CREATED: "yesterday",
      DRONE_PULL_REQUEST: "0",
      DRONE_REPO_PRIVATE: "maybe",
    });
    expect(metadata.repo).toEqual({
      slug: "group/subgroup/project",
      owner: "group/subgroup",
      name: "project",
    });
    expect(metadata.build.number).toBeUndefined();
    expect(metadata.build.created).toBeUndefined();
    expect(metadata.pullRequest).toBeUndefined();
  });
});
