import { describe, expect, it } from "vitest";
import {
  buildSlackMessage,
  defaultFallback,
  defaultText,
  type MessageSettings,
  renderMention,
  resolveChannel,
  statusColor,
} from "./message.js";
import { createTemplateContext } from "./template-context.js";
import { octocatBuild } from "./test-support/octocat-build.js";

const context = createTemplateContext(octocatBuild(), {});
const noSettings: MessageSettings = { mentions: [], link_names: false };

describe("defaultText and defaultFallback", () => {
  it("match drone-slack's default message exactly", () => {
    // plugin_test.go TestDefaultMessage and TestDefaultFallbackMessage
    expect(defaultText(context)).toBe(
      "*success* <http://github.com/octocat/hello-world|octocat/hello-world#7fd1a60b> (master) by octocat",
    );
    expect(defaultFallback(context)).toBe(
      "success octocat/hello-world#7fd1a60b (master) by octocat",
    );
  });

  it("escape mrkdwn control characters in names, and skip the link when there is none", () => {
    const build = octocatBuild();
    const odd = createTemplateContext(
      {
        ...build,
        commit: { ...build.commit, branch: "a<b>&c" },
        build: { ...build.build, link: undefined },
      },
      {},
    );
    expect(defaultText(odd)).toBe(
      "*success* octocat/hello-world#7fd1a60b (a&lt;b&gt;&amp;c) by octocat",
    );
  });
});

describe("buildSlackMessage", () => {
  it("builds the webhook payload drone-slack sends by default", () => {
    // plugin_test.go TestFileUpload's expected body, without Go's empty fields
    expect(buildSlackMessage({ settings: noSettings, context })).toEqual({
      attachments: [
        {
          color: "good",
          fallback: "success octocat/hello-world#7fd1a60b (master) by octocat",
          text: "*success* <http://github.com/octocat/hello-world|octocat/hello-world#7fd1a60b> (master) by octocat",
          mrkdwn_in: ["text", "fallback"],
        },
      ],
    });
  });

  it("prefers the rendered template, then message, then the default text", () => {
    const withMessage = { ...noSettings, message: "plain" };
    expect(
      buildSlackMessage({ settings: withMessage, context, text: "templated" }).attachments?.[0]
        ?.text,
    ).toBe("templated");
    expect(buildSlackMessage({ settings: withMessage, context }).attachments?.[0]?.text).toBe(
      "plain",
    );
    expect(
      buildSlackMessage({ settings: noSettings, context, fallback: "fb" }).attachments?.[0]
        ?.fallback,
    ).toBe("fb");
  });

  it("puts mentions in front of the text as Go does", () => {
    const message = buildSlackMessage({
      settings: { ...noSettings, mentions: ["U123", "@U456", " W789 ", "", "here"] },
      context,
      text: "done",
    });
    expect(message.attachments?.[0]?.text).toBe("<@U123>: <@U456>: <@W789>: <!here>: done");
  });

  it("sends every optional field that is set, and link_names for real", () => {
    const message = buildSlackMessage({
      settings: {
        ...noSettings,
        channel: "dev",
        username: "drone",
        icon_url: "https://example.com/i.png",
        icon_emoji: ":drone:",
        image_url: "https://example.com/graph.png",
        color: "#439FE0",
        link_names: true,
      },
      context,
    });
    expect(message).toMatchObject({
      channel: "#dev",
      username: "drone",
      icon_url: "https://example.com/i.png",
      icon_emoji: ":drone:",
      link_names: true,
      attachments: [{ color: "#439FE0", image_url: "https://example.com/graph.png" }],
    });
  });

  it("adds custom_block's blocks after the attachment text", () => {
    const blocks = [
      { type: "section", text: { type: "mrkdwn", text: "*hi*" } },
      { type: "divider" },
    ];
    const message = buildSlackMessage({
      settings: { ...noSettings, custom_block: { blocks } },
      context,
    });
    expect(message.blocks).toEqual(blocks);
    expect(message.attachments).toHaveLength(1);
  });

  it("replaces the text with a ready-made message for custom_template", () => {
    const message = buildSlackMessage({
      settings: { ...noSettings, custom_template: "basic_success_1", mentions: ["U1"] },
      context,
    });
    expect(message.attachments).toBeUndefined();
    expect(message.text).toBe("success octocat/hello-world#7fd1a60b (master) by octocat");
    expect(message.blocks).toEqual([
      {
        type: "header",
        text: { type: "plain_text", text: "Build Succeeded. :white_check_mark:", emoji: true },
      },
      {
        type: "section",
        fields: [
          { type: "mrkdwn", text: "*Project*: hello-world" },
          { type: "mrkdwn", text: "*Branch*: master" },
          { type: "mrkdwn", text: "*Author*: octocat" },
        ],
      },
      {
        type: "actions",
        elements: [
          {
            type: "button",
            action_id: "view_build",
            text: { type: "plain_text", text: "View Build" },
            url: "http://github.com/octocat/hello-world",
          },
        ],
      },
    ]);
  });

  it("fills the tagged-deploy and on-hold templates with the tag, a Slack date and mentions", () => {
    const deploy = buildSlackMessage({
      settings: {
        ...noSettings,
        custom_template: "success_tagged_deploy_1",
        mentions: ["U1", "here"],
      },
      context,
    });
    expect(JSON.stringify(deploy.blocks)).toContain("*Tag*: 1.0.0");
    expect(JSON.stringify(deploy.blocks)).toContain(
      "*When*: <!date^1546340400^{date_short_pretty} {time}|2019-01-01T11:00:00Z>",
    );
    expect(JSON.stringify(deploy.blocks)).toContain("*Mentions*: <@U1> <!here>");
    const onHold = buildSlackMessage({
      settings: { ...noSettings, custom_template: "basic_on_hold_1" },
      context,
    });
    expect(onHold.blocks?.[0]).toMatchObject({
      text: { text: "ON HOLD - Awaiting Approval :raised_hand:" },
    });
    expect(onHold.blocks?.some((block) => block.type === "actions")).toBe(false);
  });
});

describe("statusColor", () => {
  it.each([
    ["success", "good"],
    ["failure", "danger"],
    ["error", "danger"],
    ["killed", "danger"],
    ["running", "warning"],
    ["", "warning"],
  ])("%j is %s", (status, color) => {
    expect(statusColor(status)).toBe(color);
  });
});

describe("resolveChannel", () => {
  it("prefixes names once and keeps IDs", () => {
    expect(resolveChannel({ channel: "dev" })).toBe("#dev");
    expect(resolveChannel({ channel: "#dev" })).toBe("#dev");
    expect(resolveChannel({ channel: "C0123ABCD" })).toBe("C0123ABCD");
    expect(resolveChannel({ recipient: "octocat", channel: "dev" })).toBe("@octocat");
    expect(resolveChannel({ recipient: "@octocat" })).toBe("@octocat");
    expect(resolveChannel({ recipient: "U0123ABCD" })).toBe("U0123ABCD");
    expect(resolveChannel({})).toBeUndefined();
  });
});

describe("renderMention", () => {
  it.each([
    ["U123", "<@U123>"],
    ["@U123", "<@U123>"],
    ["channel", "<!channel>"],
    ["@everyone", "<!everyone>"],
    ["!here", "<!here>"],
    ["S0123ABCD", "<!subteam^S0123ABCD>"],
    ["<!subteam^S1|devs>", "<!subteam^S1|devs>"],
  ])("%s becomes %s", (mention, markup) => {
    expect(renderMention(mention)).toBe(markup);
  });
});
