import { setting } from "@spotkit/runtime";
import { z } from "zod";
import { customTemplateNames } from "./custom-templates.js";

/** One Slack Block Kit block: an object with a `type`, passed to Slack as written. */
const blockSchema = z.looseObject({ type: z.string().min(1) });

/**
 * The settings of the Slack plugin, named as drone-plugins/drone-slack names them
 * (`PLUGIN_<NAME>`, plus the `SLACK_WEBHOOK` and `SLACK_ACCESS_TOKEN` aliases).
 */
export const settings = {
  webhook: setting(z.url({ protocol: /^https?$/ }).optional(), {
    description:
      "Incoming-webhook URL the message is posted to. Required unless access_token is set.",
    aliases: ["SLACK_WEBHOOK"],
    secret: true,
    example: "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
  }),
  access_token: setting(z.string().min(1).optional(), {
    description:
      "Bot token (xoxb-…) to post with chat.postMessage instead of a webhook; needs the chat:write scope and channel or recipient. Wins over webhook when both are set.",
    aliases: ["SLACK_ACCESS_TOKEN"],
    secret: true,
    example: "xoxb-1234567890-1234567890123-abcdefghijklmnopqrstuvwx",
  }),
  channel: setting(z.string().min(1).optional(), {
    description:
      "Channel to post to; a name gets a leading # when it has none, a channel ID (C0123ABCD) is sent as is. Webhooks created for one channel ignore it.",
    example: "deployments",
  }),
  recipient: setting(z.string().min(1).optional(), {
    description:
      "User to message directly instead of a channel; a name gets a leading @, a user ID (U0123ABCD) is sent as is. Wins over channel.",
    example: "octocat",
  }),
  username: setting(z.string().min(1).optional(), {
    description:
      "Name the message is posted under (legacy webhooks, or a token with chat:write.customize).",
    example: "drone",
  }),
  icon_url: setting(z.url().optional(), {
    description: "Image URL used as the sender's avatar.",
    example: "https://example.com/drone.png",
  }),
  icon_emoji: setting(z.string().min(1).optional(), {
    description: "Emoji used as the sender's avatar, instead of icon_url.",
    example: ":drone:",
  }),
  image_url: setting(z.url().optional(), {
    description: "Image shown inside the message attachment.",
    example: "https://example.com/build-graph.png",
  }),
  color: setting(z.string().min(1).optional(), {
    description:
      "Colour of the attachment bar: good, warning, danger or a hex code. Defaults to good for success, danger for failure/error/killed, warning otherwise.",
    example: "#439FE0",
  }),
  template: setting(z.string().min(1).optional(), {
    description:
      "Handlebars template of the message text, given inline, as a file path, a file:// URL or an http(s) URL. Context: repo.*, build.*, job.started; helpers as in drone-template-lib. Wins over message.",
    example:
      "{{#success build.status}}✅ {{repo.name}} #{{build.number}} passed{{else}}❌ {{repo.name}} #{{build.number}} failed{{/success}}",
  }),
  fallback: setting(z.string().min(1).optional(), {
    description:
      "Handlebars template of the plain-text fallback shown in notifications; same sources and context as template.",
    example: "{{build.status}} {{repo.owner}}/{{repo.name}}#{{truncate build.commit 8}}",
  }),
  message: setting(z.string().min(1).optional(), {
    description: "Message text used as written (no template) when template is not set.",
    example: "Deployment to production finished",
  }),
  mentions: setting(z.array(z.string()).default([]), {
    description:
      "Slack user IDs mentioned before the text, as <@U123>: (here, channel and everyone become <!here> and so on).",
    example: ["U0123ABCD", "U0456EFGH"],
  }),
  link_names: setting(z.boolean().default(false), {
    description: "Let Slack turn plain @name and #channel in the text into mentions and links.",
    example: true,
  }),
  custom_block: setting(z.object({ blocks: z.array(blockSchema) }).optional(), {
    description:
      'Block Kit blocks added to the message, as {"blocks": […]} (YAML map or JSON text).',
    example: {
      blocks: [{ type: "section", text: { type: "mrkdwn", text: "*Deployed* :rocket:" } }],
    },
  }),
  custom_template: setting(z.enum(customTemplateNames).optional(), {
    description:
      "A ready-made Block Kit message instead of the text: basic_success_1, basic_fail_1, success_tagged_deploy_1 or basic_on_hold_1.",
    example: "basic_success_1",
  }),
  api_url: setting(z.url({ protocol: /^https?$/ }).default("https://slack.com/api/"), {
    description:
      "Base URL of Slack's Web API used with access_token; change it only for a proxy or a test server.",
    example: "https://slack.com/api/",
  }),
};

/** The settings' shape, for typing. */
export type SlackSettingsShape = typeof settings;

/** The decoded settings a run receives (before the runtime's common settings are merged in). */
export type SlackSettings = z.output<z.ZodObject<SlackSettingsShape>>;
