import { buildCustomTemplateBlocks, type SlackBlock } from "./custom-templates.js";
import { escapeMarkup } from "./escape-markup.js";
import type { SlackSettings } from "./settings.js";
import type { TemplateContext } from "./template-context.js";

/** The attachment drone-slack sends: the coloured bar with the text. */
export interface SlackAttachment {
  color: string;
  fallback: string;
  text: string;
  mrkdwn_in: ["text", "fallback"];
  image_url?: string;
}

/**
 * A Slack message, in the form both an incoming webhook and `chat.postMessage` accept. Fields
 * that are not set are left out, so Slack applies its own defaults.
 */
export interface SlackMessage {
  channel?: string;
  username?: string;
  icon_url?: string;
  icon_emoji?: string;
  link_names?: true;
  /** Top-level text; only set when the message has blocks but no attachment (notification text). */
  text?: string;
  attachments?: SlackAttachment[];
  blocks?: SlackBlock[];
}

/** The settings that shape the message. */
export type MessageSettings = Pick<
  SlackSettings,
  | "channel"
  | "recipient"
  | "username"
  | "icon_url"
  | "icon_emoji"
  | "image_url"
  | "color"
  | "message"
  | "mentions"
  | "link_names"
  | "custom_block"
  | "custom_template"
>;

/** What {@link buildSlackMessage} needs. */
export interface BuildSlackMessageInput {
  settings: MessageSettings;
  context: TemplateContext;
  /** The rendered `template`, when it is set. */
  text?: string;
  /** The rendered `fallback`, when it is set. */
  fallback?: string;
}

/**
 * Builds the message drone-slack would send, from the settings, the template context and the
 * rendered templates:
 *
 * - text: the rendered template, else `message`, else {@link defaultText}; mentions go in front;
 * - fallback: the rendered fallback template, else {@link defaultFallback};
 * - one attachment with the colour (`color`, else from the build status), text, fallback,
 *   `mrkdwn_in: ["text", "fallback"]` and `image_url`;
 * - blocks: the `custom_template` blocks (which replace the text, as in Go), then `custom_block`'s;
 * - channel (`recipient` as `@name`, else `channel` as `#name`), username, icons, and
 *   `link_names: true` when asked (Go parses that setting but never sends it).
 */
export function buildSlackMessage(input: BuildSlackMessageInput): SlackMessage {
  const { settings, context } = input;
  const mentions = settings.mentions
    .map((mention) => mention.trim())
    .filter((mention) => mention !== "");
  let text = input.text ?? settings.message ?? defaultText(context);
  if (mentions.length > 0) {
    text = `${mentions.map((mention) => `${renderMention(mention)}:`).join(" ")} ${text}`;
  }
  const fallback = input.fallback ?? defaultFallback(context);

  const blocks: SlackBlock[] = [];
  if (settings.custom_template) {
    const mentionList = mentions.map(renderMention).join(" ");
    blocks.push(...buildCustomTemplateBlocks(settings.custom_template, context, mentionList));
    // As in Go, a ready-made message replaces the text.
    text = "";
  }
  if (settings.custom_block) blocks.push(...(settings.custom_block.blocks as SlackBlock[]));

  const message: SlackMessage = {};
  const channel = resolveChannel(settings);
  if (channel !== undefined) message.channel = channel;
  if (settings.username) message.username = settings.username;
  if (settings.icon_url) message.icon_url = settings.icon_url;
  if (settings.icon_emoji) message.icon_emoji = settings.icon_emoji;
  if (settings.link_names) message.link_names = true;

  if (text === "" && blocks.length > 0) {
    // Nothing to show in an attachment; the fallback still serves notifications.
    message.text = fallback;
  } else {
    const attachment: SlackAttachment = {
      color: settings.color ?? statusColor(context.build.status),
      fallback,
      text,
      mrkdwn_in: ["text", "fallback"],
    };
    if (settings.image_url) attachment.image_url = settings.image_url;
    message.attachments = [attachment];
  }
  if (blocks.length > 0) message.blocks = blocks;
  return message;
}

/**
 * drone-slack's default text: `*success* <link|owner/name#1a2b3c4d> (main) by octocat`.
 * Names are escaped for mrkdwn; without a build link the reference is plain text.
 */
export function defaultText(context: TemplateContext): string {
  const { repo, build } = context;
  const reference = `${escapeMarkup(repo.owner)}/${escapeMarkup(repo.name)}#${build.commit.slice(0, 8)}`;
  const linked = build.link === "" ? reference : `<${build.link}|${reference}>`;
  return `*${escapeMarkup(build.status)}* ${linked} (${escapeMarkup(build.branch)}) by ${escapeMarkup(build.author.username)}`;
}

/** drone-slack's default fallback: `success owner/name#1a2b3c4d (main) by octocat`. */
export function defaultFallback(context: TemplateContext): string {
  const { repo, build } = context;
  return `${build.status} ${repo.owner}/${repo.name}#${build.commit.slice(0, 8)} (${build.branch}) by ${build.author.username}`;
}

/** The attachment colour for a build status: good, danger (failure, error, killed) or warning. */
export function statusColor(status: string): string {
  switch (status) {
    case "success":
      return "good";
    case "failure":
    case "error":
    case "killed":
      return "danger";
    default:
      return "warning";
  }
}

// Slack IDs are upper-case letters and digits; names of people and channels are lower case.
const userIdPattern = /^[UW][A-Z0-9]{6,}$/;
const channelIdPattern = /^[CGD][A-Z0-9]{6,}$/;
const userGroupIdPattern = /^S[A-Z0-9]{6,}$/;
const specialMentions = new Set(["here", "channel", "everyone"]);

/**
 * Mention markup for one entry of `mentions`: `U123` and `@U123` become `<@U123>` (as in Go),
 * `here`/`channel`/`everyone` become `<!here>`…, a user-group ID `S123` becomes
 * `<!subteam^S123>`, and markup already in angle brackets is kept.
 */
export function renderMention(mention: string): string {
  if (mention.startsWith("<") && mention.endsWith(">")) return mention;
  const name = mention.replace(/^[@!]/, "");
  if (specialMentions.has(name)) return `<!${name}>`;
  if (userGroupIdPattern.test(name)) return `<!subteam^${name}>`;
  return `<@${name}>`;
}

/**
 * The channel to post to: `recipient` with a leading `@`, else `channel` with a leading `#`, each
 * only when it has none (Go's `prepend`). IDs (`U0123ABCD`, `C0123ABCD`) are sent as they are,
 * since Slack does not resolve `#C0123ABCD`.
 */
export function resolveChannel(
  settings: Pick<MessageSettings, "channel" | "recipient">,
): string | undefined {
  if (settings.recipient) {
    return userIdPattern.test(settings.recipient)
      ? settings.recipient
      : prepend("@", settings.recipient);
  }
  if (settings.channel) {
    return channelIdPattern.test(settings.channel)
      ? settings.channel
      : prepend("#", settings.channel);
  }
  return undefined;
}

function prepend(prefix: string, text: string): string {
  return text.startsWith(prefix) ? text : prefix + text;
}
