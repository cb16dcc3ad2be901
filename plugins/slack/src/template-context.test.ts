import { describe, expect, it } from "vitest";
import { renderTemplate } from "./render-template.js";
import { createCommitMessage, createTemplateContext } from "./template-context.js";
import { octocatBuild } from "./test-support/octocat-build.js";

describe("createTemplateContext", () => {
  it("gives templates drone-slack's names and values", () => {
    const context = createTemplateContext(
      octocatBuild({
        pullRequest: 42,
        build: { ...octocatBuild().build, parent: 3, deployTo: "prod" },
      }),
      {},
    );
    expect(context.repo).toEqual({ owner: "octocat", name: "hello-world" });
    expect(context.build).toMatchObject({
      tag: "1.0.0",
      event: "push",
      number: 1,
      parent: 3,
      commit: "7fd1a60b01f91b314f59955a4e4d4e80d8edf11d",
      branch: "master",
      pull: "42",
      deployTo: "prod",
      status: "success",
      link: "http://github.com/octocat/hello-world",
      started: 1546340400,
      created: 1546340400,
    });
    expect(context.build.author).toEqual({
      username: "octocat",
      name: "The Octocat",
      email: "octocat@github.com",
      avatar: "https://avatars0.githubusercontent.com/u/583231?s=460&v=4",
    });
    expect(context.job.started).toBe(1546340400);
  });

  it("prints the author as the username and the message as the whole message", () => {
    const context = createTemplateContext(octocatBuild(), {});
    expect(
      renderTemplate("{{build.author}} {{build.author.name}}", context, { setting: "template" }),
    ).toBe("octocat The Octocat");
    expect(String(context.build.message)).toBe("Initial commit\n\nMessage body");
  });

  it("uses drone-slack's defaults where the runner gave nothing", () => {
    const context = createTemplateContext(
      {
        repo: {},
        commit: { author: {} },
        build: { status: "", debug: false, failedSteps: [], failedStages: [] },
      },
      {},
    );
    expect(context.build).toMatchObject({
      status: "success",
      event: "push",
      branch: "master",
      ref: "refs/heads/master",
      commit: "00000000",
      number: 0,
      pull: "",
      started: 0,
    });
  });

  it("reads job.started from DRONE_JOB_STARTED, then DRONE_STAGE_STARTED", () => {
    expect(
      createTemplateContext(octocatBuild(), {
        DRONE_JOB_STARTED: "100",
        DRONE_STAGE_STARTED: "200",
      }).job.started,
    ).toBe(100);
    expect(createTemplateContext(octocatBuild(), { DRONE_STAGE_STARTED: "200" }).job.started).toBe(
      200,
    );
  });

  it("keeps the capitalised twins out of enumeration", () => {
    const context = createTemplateContext(octocatBuild(), {});
    expect(Object.keys(context)).toEqual(["repo", "build", "job"]);
    expect(JSON.stringify(context.repo)).toBe('{"owner":"octocat","name":"hello-world"}');
  });
});

describe("createCommitMessage", () => {
  // plugin_test.go TestNewCommitMessage
  it.each([
    ["", "", ""],
    ["title with space", "title with space", ""],
    ["Title with space\nBody with space", "Title with space", "Body with space"],
    ["Title with space\n\nBody with space", "Title with space", "Body with space"],
    ["  Title  \n  Body\n\n", "Title", "Body"],
  ])("splits %j", (message, title, body) => {
    const parsed = createCommitMessage(message);
    expect({ title: parsed.title, body: parsed.body, text: String(parsed) }).toEqual({
      title,
      body,
      text: message,
    });
  });
});
