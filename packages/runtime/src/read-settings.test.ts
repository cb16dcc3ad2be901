import { describe, expect, it } from "vitest";
import { z } from "zod";
import { type FlagValue, readSettings } from "./read-settings.js";
import { setting } from "./setting.js";

const shape = {
  webhook: setting(z.url(), {
    description: "Webhook",
    secret: true,
    aliases: ["SLACK_WEBHOOK"],
  }),
  channel: setting(z.string().optional(), { description: "Channel" }),
  dry_run: setting(z.boolean().default(false), { description: "Dry run" }),
  tags: setting(z.array(z.string()).default(["latest"]), {
    description: "Tags",
    aliases: ["PLUGIN_TAG"],
  }),
  retries: setting(z.int().min(0).default(3), { description: "Retries" }),
  labels: setting(z.record(z.string(), z.string()).default({}), { description: "Labels" }),
};

function read(env: Record<string, string>, flags: Map<string, FlagValue> = new Map()) {
  return readSettings({ shape, env, flags });
}

describe("readSettings", () => {
  it("reads every declared setting with defaults applied", () => {
    const reading = read({
      PLUGIN_WEBHOOK: "https://hooks.example.com/T/B/X",
      PLUGIN_TAGS: "1,1.2,latest",
      PLUGIN_LABELS: '{"team":"ci"}',
    });
    expect(reading.issues).toEqual([]);
    expect(reading.values).toEqual({
      webhook: "https://hooks.example.com/T/B/X",
      dry_run: false,
      tags: ["1", "1.2", "latest"],
      retries: 3,
      labels: { team: "ci" },
    });
    expect(reading.sources).toMatchObject({ webhook: "PLUGIN_WEBHOOK", tags: "PLUGIN_TAGS" });
  });

  it("accepts Drone's spellings with dashes and dots as well as Woodpecker's", () => {
    const dashed = read({ PLUGIN_WEBHOOK: "https://h.example.com", "PLUGIN_DRY-RUN": "true" });
    expect(dashed.values.dry_run).toBe(true);
    expect(dashed.sources.dry_run).toBe("PLUGIN_DRY-RUN");
    const dotted = read({ PLUGIN_WEBHOOK: "https://h.example.com", "PLUGIN_DRY.RUN": "true" });
    expect(dotted.values.dry_run).toBe(true);
  });

  it("prefers the underscore spelling and warns when two spellings disagree", () => {
    const reading = read({
      PLUGIN_WEBHOOK: "https://h.example.com",
      PLUGIN_DRY_RUN: "true",
      "PLUGIN_DRY-RUN": "false",
    });
    expect(reading.values.dry_run).toBe(true);
    expect(reading.warnings).toEqual([
      'PLUGIN_DRY_RUN and PLUGIN_DRY-RUN both set "dry_run"; using PLUGIN_DRY_RUN',
    ]);
  });

  it("falls back to aliases, in order, after every PLUGIN_ spelling", () => {
    const alias = read({ SLACK_WEBHOOK: "https://alias.example.com", PLUGIN_TAG: "v1" });
    expect(alias.values).toMatchObject({ webhook: "https://alias.example.com", tags: ["v1"] });
    expect(alias.sources.webhook).toBe("SLACK_WEBHOOK");
    const both = read({
      SLACK_WEBHOOK: "https://alias.example.com",
      PLUGIN_WEBHOOK: "https://p.example.com",
    });
    expect(both.values.webhook).toBe("https://p.example.com");
  });

  it("lets command-line flags override the environment", () => {
    const flags = new Map<string, FlagValue>([
      ["channel", ["#deploys"]],
      ["dry_run", true],
      ["tags", ["a", "b,c"]],
    ]);
    const reading = read({ PLUGIN_WEBHOOK: "https://h.example.com", PLUGIN_CHANNEL: "#ci" }, flags);
    expect(reading.values).toMatchObject({
      channel: "#deploys",
      dry_run: true,
      tags: ["a", "b", "c"],
    });
    expect(reading.sources.channel).toBe("--channel");
  });

  it("reports every invalid or missing setting at once, naming its variable", () => {
    const reading = read({
      PLUGIN_DRY_RUN: "yes",
      PLUGIN_RETRIES: "-1",
      PLUGIN_LABELS: "team=ci",
    });
    expect(reading.issues).toEqual([
      {
        setting: "dry_run",
        source: "PLUGIN_DRY_RUN",
        message: 'expected true or false, got "yes"',
      },
      {
        setting: "labels",
        source: "PLUGIN_LABELS",
        message: 'expected a JSON object such as {"key":"value"}, got "team=ci"',
      },
      {
        setting: "webhook",
        source: "PLUGIN_WEBHOOK",
        message:
          'required: set "webhook" in the step\'s settings (PLUGIN_WEBHOOK or SLACK_WEBHOOK) or pass --webhook',
      },
      {
        setting: "retries",
        source: "PLUGIN_RETRIES",
        message: expect.stringContaining(">=0"),
      },
    ]);
  });

  it("never puts a secret's value in an issue, but hands it over for masking", () => {
    const reading = read({ PLUGIN_WEBHOOK: "not a url s3cr3t-token" });
    expect(JSON.stringify(reading.issues)).not.toContain("s3cr3t-token");
    expect(reading.issues[0]).toMatchObject({ setting: "webhook", source: "PLUGIN_WEBHOOK" });
    expect(reading.secretTexts).toEqual(["not a url s3cr3t-token"]);
  });
});
