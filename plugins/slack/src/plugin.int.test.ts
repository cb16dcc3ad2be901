import { join } from "node:path";
import {
  type PluginTestOptions,
  runPluginEntry,
  runPluginInProcess,
} from "@spotkit/runtime/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { plugin } from "./plugin.js";
import { FakeSlack } from "./test-support/fake-slack.js";
import { octocatDroneEnv } from "./test-support/octocat-build.js";

const slack = new FakeSlack();
const webhookToken = "XXXXsecretWebhookTokenXXXX";
const webhookPath = `/services/T0000000/B0000000/${webhookToken}`;
const accessToken = "xoxb-1111-2222-secretBotToken";

beforeAll(() => slack.start());
afterAll(() => slack.stop());
afterEach(() => slack.reset());

/** Runs the plugin in process as Drone would start it, with the webhook from a secret. */
async function runWithWebhook(
  settings: Record<string, unknown> = {},
  options: PluginTestOptions = {},
) {
  const result = await runPluginInProcess(plugin, {
    settings: { webhook: { from_secret: "slack_webhook" }, ...settings },
    secrets: { slack_webhook: `${slack.url}${webhookPath}` },
    env: { ...octocatDroneEnv, ...options.env },
    ...(options.encoding ? { encoding: options.encoding } : {}),
  });
  expectNoSecrets(result.output);
  return result;
}

async function runWithToken(settings: Record<string, unknown> = {}) {
  const result = await runPluginInProcess(plugin, {
    settings: {
      access_token: { from_secret: "slack_token" },
      api_url: `${slack.url}/api/`,
      channel: "dev",
      ...settings,
    },
    secrets: { slack_token: accessToken },
    env: octocatDroneEnv,
  });
  expectNoSecrets(result.output);
  return result;
}

function expectNoSecrets(output: string) {
  expect(output).not.toContain(webhookToken);
  expect(output).not.toContain(accessToken);
  expect(output).not.toContain("secretBotToken");
}

const defaultAttachment = {
  color: "good",
  fallback: "success octocat/hello-world#7fd1a60b (master) by octocat",
  text: "*success* <http://github.com/octocat/hello-world|octocat/hello-world#7fd1a60b> (master) by octocat",
  mrkdwn_in: ["text", "fallback"],
};

describe("webhook", () => {
  it("posts drone-slack's default message to the webhook", async () => {
    const result = await runWithWebhook({ channel: "dev", username: "drone" });
    expect(result.exitCode).toBe(0);
    expect(slack.requests).toHaveLength(1);
    const [request] = slack.requests;
    expect(request?.method).toBe("POST");
    expect(request?.path).toBe(webhookPath);
    expect(request?.headers["content-type"]).toBe("application/json");
    expect(request?.payload).toEqual({
      channel: "#dev",
      username: "drone",
      attachments: [defaultAttachment],
    });
  });

  it("renders template and fallback, adds mentions, link_names and custom blocks", async () => {
    const result = await runWithWebhook({
      template:
        "{{#success build.status}}:white_check_mark: {{repo.name}} #{{build.number}}{{/success}}",
      fallback: "{{uppercase build.status}} {{truncate build.commit 8}}",
      mentions: ["U0123ABCD", "U0456EFGH"],
      link_names: true,
      icon_emoji: ":drone:",
      image_url: "https://example.com/graph.png",
      custom_block: { blocks: [{ type: "section", text: { type: "mrkdwn", text: "*Deployed*" } }] },
    });
    expect(result.exitCode).toBe(0);
    expect(slack.requests[0]?.payload).toEqual({
      icon_emoji: ":drone:",
      link_names: true,
      attachments: [
        {
          color: "good",
          fallback: "SUCCESS 7fd1a60b",
          text: "<@U0123ABCD>: <@U0456EFGH>: :white_check_mark: hello-world #1",
          mrkdwn_in: ["text", "fallback"],
          image_url: "https://example.com/graph.png",
        },
      ],
      blocks: [{ type: "section", text: { type: "mrkdwn", text: "*Deployed*" } }],
    });
  });

  it("decodes Woodpecker's encoding of the same settings", async () => {
    const result = await runWithWebhook(
      { mentions: ["U1", "U2"], custom_block: { blocks: [{ type: "divider" }] } },
      { encoding: "woodpecker" },
    );
    expect(result.exitCode).toBe(0);
    expect(slack.requests[0]?.payload).toMatchObject({
      attachments: [{ text: `<@U1>: <@U2>: ${defaultAttachment.text}` }],
      blocks: [{ type: "divider" }],
    });
  });

  it("reads the webhook from SLACK_WEBHOOK as the Go plugin does", async () => {
    const result = await runPluginInProcess(plugin, {
      env: { ...octocatDroneEnv, SLACK_WEBHOOK: `${slack.url}${webhookPath}` },
    });
    expectNoSecrets(result.output);
    expect(result.exitCode).toBe(0);
    expect(slack.requests.map((request) => request.path)).toEqual([webhookPath]);
  });

  it("fails with Slack's error text on a 4xx answer, without retrying", async () => {
    slack.answer({ status: 400, body: "invalid_payload" });
    const result = await runWithWebhook({ channel: "dev" });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("Slack rejected the message: HTTP 400 invalid_payload");
    expect(slack.requests).toHaveLength(1);
  });

  it("explains a webhook that no longer exists", async () => {
    slack.answer({ status: 404, body: "no_service" });
    const result = await runWithWebhook();
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(
      /HTTP 404 no_service \(the webhook does not exist.*SLACK_WEBHOOK\)/,
    );
  });

  it("waits as long as Retry-After asks after a 429, then succeeds", async () => {
    slack.answer({ status: 429, headers: { "retry-after": "1" }, body: "rate_limited" });
    const result = await runWithWebhook();
    expect(result.exitCode).toBe(0);
    expect(slack.requests).toHaveLength(2);
    expect(slack.requests[1]?.payload).toEqual(slack.requests[0]?.payload);
    expect(result.stderr).toContain("trying again in 1.0 s");
  });

  it("retries after a 500", async () => {
    slack.answer({ status: 500, body: "internal_error" });
    const result = await runWithWebhook();
    expect(result.exitCode).toBe(0);
    expect(slack.requests).toHaveLength(2);
    expect(result.stderr).toContain("HTTP 500 internal_error");
  });

  it("gives up after five attempts when Slack keeps failing", async () => {
    for (let attempt = 0; attempt < 5; attempt++)
      slack.answer({ status: 503, body: "service_unavailable" });
    const result = await runWithWebhook();
    expect(result.exitCode).toBe(1);
    expect(slack.requests).toHaveLength(5);
    expect(result.stderr).toContain(
      "Slack failed to take the message: HTTP 503 service_unavailable",
    );
  });

  it("stops waiting for Slack when the run is cancelled", async () => {
    slack.answer({ hang: true, status: 0, body: "" });
    const controller = new AbortController();
    const running = runPluginInProcess(plugin, {
      settings: { webhook: { from_secret: "slack_webhook" } },
      secrets: { slack_webhook: `${slack.url}${webhookPath}` },
      env: octocatDroneEnv,
      signal: controller.signal,
    });
    // Cancel once the request has reached the server, so that it is the request that is stopped.
    for (let poll = 0; poll < 200 && slack.requests.length === 0; poll++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    controller.abort(new Error("received SIGTERM"));
    const result = await running;
    expectNoSecrets(result.output);
    expect(slack.requests).toHaveLength(1);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("cancelled");
  });

  it("fails when neither webhook nor access_token is set, naming both and SLACK_WEBHOOK", async () => {
    const result = await runPluginInProcess(plugin, {
      settings: { channel: "dev" },
      env: octocatDroneEnv,
    });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("webhook");
    expect(result.stderr).toContain("SLACK_WEBHOOK");
    expect(result.stderr).toContain("access_token");
    expect(slack.requests).toHaveLength(0);
  });

  it("fails on a broken template, naming the setting, before sending anything", async () => {
    const result = await runWithWebhook({ template: "{{#if build.tag}}never closed" });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("template: the template could not be rendered");
    expect(slack.requests).toHaveLength(0);
  });

  it("reads the template from an http URL", async () => {
    slack.answer({ status: 200, body: "{{repo.owner}} built {{build.branch}}" });
    const result = await runWithWebhook({ template: `${slack.url}/template.hbs` });
    expect(result.exitCode).toBe(0);
    expect(slack.requests.map((request) => request.path)).toEqual(["/template.hbs", webhookPath]);
    expect(slack.requests[1]?.payload).toMatchObject({
      attachments: [{ text: "octocat built master" }],
    });
  });
});

describe("access_token", () => {
  it("posts with chat.postMessage and the bot token", async () => {
    const result = await runWithToken({ username: "drone", link_names: true });
    expect(result.exitCode).toBe(0);
    expect(slack.requests).toHaveLength(1);
    const [request] = slack.requests;
    expect(request?.path).toBe("/api/chat.postMessage");
    expect(request?.headers.authorization).toBe(`Bearer ${accessToken}`);
    expect(request?.payload).toEqual({
      channel: "#dev",
      username: "drone",
      link_names: "true",
      attachments: [defaultAttachment],
    });
    expect(result.stderr).toContain("sent the message to #dev (ts 1546340400.000100)");
  });

  it("fails with Slack's error when the channel does not exist", async () => {
    slack.answer({
      status: 200,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ok: false, error: "channel_not_found" }),
    });
    const result = await runWithToken({ channel: "nowhere" });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("Slack rejected the message: channel_not_found");
    expect(slack.requests).toHaveLength(1);
  });

  it("honours Retry-After on 429 and succeeds", async () => {
    slack.answer({ status: 429, headers: { "retry-after": "1" }, body: "" });
    const result = await runWithToken();
    expect(result.exitCode).toBe(0);
    expect(slack.requests.map((request) => request.path)).toEqual([
      "/api/chat.postMessage",
      "/api/chat.postMessage",
    ]);
    expect(result.stderr).toContain("trying again in 1.0 s");
  });

  it("retries after a 500", async () => {
    slack.answer({ status: 500, body: "oops" });
    const result = await runWithToken();
    expect(result.exitCode).toBe(0);
    expect(slack.requests).toHaveLength(2);
  });

  it("needs channel or recipient", async () => {
    const result = await runPluginInProcess(plugin, {
      settings: { access_token: { from_secret: "slack_token" }, api_url: `${slack.url}/api/` },
      secrets: { slack_token: accessToken },
      env: octocatDroneEnv,
    });
    expectNoSecrets(result.output);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("channel or recipient");
    expect(slack.requests).toHaveLength(0);
  });
});

describe("built entry", () => {
  const entry = join(import.meta.dirname, "..", "dist", "main.js");
  const customBlock = { blocks: [{ type: "section", text: { type: "mrkdwn", text: "hi" } }] };

  for (const encoding of ["drone", "woodpecker"] as const) {
    it(`--print-settings decodes a ${encoding}-encoded step and masks secrets`, async () => {
      const result = await runPluginEntry(entry, {
        encoding,
        settings: {
          webhook: { from_secret: "slack_webhook" },
          channel: "dev",
          mentions: ["U1", "U2"],
          "link-names": true,
          "icon.emoji": ":rocket:",
          custom_block: customBlock,
        },
        secrets: { slack_webhook: `${slack.url}${webhookPath}` },
        env: { SLACK_ACCESS_TOKEN: accessToken },
        argv: ["--print-settings"],
        timeout: 20_000,
      });
      expectNoSecrets(result.output);
      expect(result.exitCode).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({
        webhook: "******",
        access_token: "******",
        channel: "dev",
        mentions: ["U1", "U2"],
        link_names: true,
        icon_emoji: ":rocket:",
        custom_block: customBlock,
      });
      expect(slack.requests).toHaveLength(0);
    });
  }

  it("runs dist/main.js with a Drone-encoded environment", async () => {
    const result = await runPluginEntry(entry, {
      settings: { webhook: { from_secret: "slack_webhook" }, channel: "dev", mentions: ["U1"] },
      secrets: { slack_webhook: `${slack.url}${webhookPath}` },
      env: octocatDroneEnv,
      timeout: 20_000,
    });
    expectNoSecrets(result.output);
    expect(result.exitCode).toBe(0);
    expect(slack.requests[0]?.payload).toEqual({
      channel: "#dev",
      attachments: [{ ...defaultAttachment, text: `<@U1>: ${defaultAttachment.text}` }],
    });
  });
});
