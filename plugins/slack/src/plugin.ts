import { definePlugin, type PluginContext, type PluginIssue } from "@spotkit/runtime";
import packageJson from "../package.json" with { type: "json" };
import { postMessageWithToken, sendWebhookMessage } from "./deliver-message.js";
import { buildSlackMessage } from "./message.js";
import { renderTemplate } from "./render-template.js";
import { type SlackSettings, settings } from "./settings.js";
import { createTemplateContext, type TemplateContext } from "./template-context.js";
import type { TemplateSetting } from "./template-error.js";
import { readTemplateSource } from "./template-source.js";

/**
 * Checks the settings that depend on each other, as drone-slack's `run` does before sending:
 * a webhook or an access token is required, and a token needs somewhere to post.
 */
export function validateSettings(
  values: Pick<SlackSettings, "webhook" | "access_token" | "channel" | "recipient">,
): PluginIssue[] {
  const issues: PluginIssue[] = [];
  if (!values.webhook && !values.access_token) {
    issues.push({
      setting: "webhook",
      message:
        "set webhook (or the SLACK_WEBHOOK variable) to an incoming-webhook URL, or access_token (SLACK_ACCESS_TOKEN) to a bot token",
    });
  }
  if (values.access_token && !values.channel && !values.recipient) {
    issues.push({
      setting: "channel",
      message: "access_token posts with chat.postMessage, which needs channel or recipient",
    });
  }
  return issues;
}

/** The Slack plugin: a drop-in for drone-plugins/drone-slack (`plugins/slack`). */
export const plugin = definePlugin({
  name: "slack",
  description:
    "Sends a Slack message about the build through an incoming webhook or a bot token, as plugins/slack does.",
  version: packageJson.version,
  settings,
  validate: validateSettings,
  async run(context) {
    const { settings: values, logger } = context;
    hideWebhookSecret(values.webhook, context.secrets);
    const templateContext = createTemplateContext(context.build, context.env);
    const text = values.template
      ? await render("template", values.template, templateContext, context)
      : undefined;
    const fallback = values.fallback
      ? await render("fallback", values.fallback, templateContext, context)
      : undefined;
    const message = buildSlackMessage({
      settings: values,
      context: templateContext,
      text,
      fallback,
    });
    const delivery = { fetch: context.fetch, signal: context.signal, retry: context.retry, logger };

    // As in Go, a token wins over a webhook when both are set.
    if (values.access_token) {
      const channel = message.channel as string; // validate() guarantees channel or recipient
      const result = await postMessageWithToken(
        values.access_token,
        values.api_url,
        { ...message, channel },
        delivery,
      );
      logger.info(`sent the message to ${channel}${result.ts ? ` (ts ${result.ts})` : ""}`);
      return;
    }
    await sendWebhookMessage(values.webhook as string, message, delivery);
    logger.info(
      `sent the message to the webhook${message.channel ? ` for ${message.channel}` : ""}`,
    );
  },
});

async function render(
  setting: TemplateSetting,
  value: string,
  templateContext: TemplateContext,
  context: Pick<PluginContext<unknown>, "cwd" | "fetch" | "signal">,
): Promise<string> {
  const source = await readTemplateSource(value, {
    setting,
    cwd: context.cwd,
    fetch: context.fetch,
    signal: context.signal,
  });
  return renderTemplate(source, templateContext, { setting });
}

// The runtime masks the whole URL; the path alone (where the token lives) may also show up,
// for example URL-encoded or split by a library, so it is masked as well.
function hideWebhookSecret(
  webhook: string | undefined,
  secrets: { add(value: string): void },
): void {
  if (!webhook || !URL.canParse(webhook)) return;
  const { pathname } = new URL(webhook);
  if (pathname.length > 1) secrets.add(pathname);
  const lastSegment = pathname.split("/").filter(Boolean).at(-1);
  if (lastSegment && lastSegment.length >= 8) secrets.add(lastSegment);
}
