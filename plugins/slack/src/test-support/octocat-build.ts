import type { TemplateContextSource } from "../template-context.js";

/**
 * The build drone-slack's own tests use (plugin_test.go `getTestRepo`/`getTestBuild`), as build
 * metadata, so that expectations can be copied from the Go tests.
 */
export function octocatBuild(
  overrides: Partial<TemplateContextSource> = {},
): TemplateContextSource {
  return {
    repo: { owner: "octocat", name: "hello-world", slug: "octocat/hello-world" },
    commit: {
      sha: "7fd1a60b01f91b314f59955a4e4d4e80d8edf11d",
      branch: "master",
      message: "Initial commit\n\nMessage body",
      author: {
        username: "octocat",
        name: "The Octocat",
        email: "octocat@github.com",
        avatar: "https://avatars0.githubusercontent.com/u/583231?s=460&v=4",
      },
    },
    tag: "1.0.0",
    event: "push",
    build: {
      number: 1,
      status: "success",
      link: "http://github.com/octocat/hello-world",
      started: new Date(1546340400 * 1000),
      created: new Date(1546340400 * 1000),
      debug: false,
      failedSteps: [],
      failedStages: [],
    },
    ...overrides,
  };
}

/** The same build as Drone would pass it to a plugin container, as environment variables. */
export const octocatDroneEnv: Record<string, string> = {
  DRONE: "true",
  DRONE_REPO: "octocat/hello-world",
  DRONE_REPO_OWNER: "octocat",
  DRONE_REPO_NAME: "hello-world",
  DRONE_COMMIT_SHA: "7fd1a60b01f91b314f59955a4e4d4e80d8edf11d",
  DRONE_COMMIT_BRANCH: "master",
  DRONE_BRANCH: "master",
  DRONE_COMMIT_REF: "refs/heads/master",
  DRONE_COMMIT_AUTHOR: "octocat",
  DRONE_COMMIT_AUTHOR_NAME: "The Octocat",
  DRONE_COMMIT_AUTHOR_EMAIL: "octocat@github.com",
  DRONE_COMMIT_AUTHOR_AVATAR: "https://avatars0.githubusercontent.com/u/583231?s=460&v=4",
  DRONE_COMMIT_MESSAGE: "Initial commit\n\nMessage body",
  DRONE_BUILD_NUMBER: "1",
  DRONE_BUILD_STATUS: "success",
  DRONE_BUILD_EVENT: "push",
  DRONE_BUILD_LINK: "http://github.com/octocat/hello-world",
  DRONE_BUILD_STARTED: "1546340400",
  DRONE_BUILD_CREATED: "1546340400",
};
