import { escapeMarkup } from "./escape-markup.js";
import type { TemplateContext } from "./template-context.js";

/** The ready-made messages drone-slack's `custom_template` setting names. */
export const customTemplateNames = [
  "basic_success_1",
  "basic_fail_1",
  "success_tagged_deploy_1",
  "basic_on_hold_1",
] as const;

/** One of {@link customTemplateNames}. */
export type CustomTemplateName = (typeof customTemplateNames)[number];

/** A Slack Block Kit block. */
export type SlackBlock = { type: string } & Record<string, unknown>;

/**
 * Builds the Block Kit blocks of one of drone-slack's ready-made messages (its
 * `templates/*.json`): a header, a section of fields, and a button to the build.
 *
 * The blocks are built as objects rather than by filling JSON text, so quotes or newlines in a
 * branch name cannot break them (in Go they can, and `success_tagged_deploy_1`'s JSON file is not
 * even valid). Where Go printed raw values, these print what Slack can show: the start time as a
 * Slack date, mentions as `<@U123>` mentions. The button is left out when the build has no link,
 * since Slack rejects a button without a URL.
 *
 * @param mentions Mention markup as {@link renderMentions} makes it (may be empty).
 */
export function buildCustomTemplateBlocks(
  name: CustomTemplateName,
  context: TemplateContext,
  mentions: string,
): SlackBlock[] {
  const { repo, build } = context;
  const project = field("Project", repo.name);
  const branch = field("Branch", build.branch);
  const author = field("Author", build.author.username);
  const mentionSection: SlackBlock = {
    type: "section",
    fields: [fieldMarkup("Mentions", mentions)],
  };
  switch (name) {
    case "basic_success_1":
      return [
        header("Build Succeeded. :white_check_mark:"),
        { type: "section", fields: [project, branch, author] },
        ...button("view_build", "View Build", build.link),
      ];
    case "basic_fail_1":
      return [
        header("Build Failed. :red_circle:"),
        { type: "section", fields: [project, branch, author] },
        ...button("view_build", "View Build", build.link),
      ];
    case "success_tagged_deploy_1":
      return [
        header("Deployment Successful! :tada:"),
        {
          type: "section",
          fields: [project, fieldMarkup("When", slackDate(build.started)), field("Tag", build.tag)],
        },
        mentionSection,
        ...button("success_tagged_deploy_view", "View Job", build.link),
      ];
    case "basic_on_hold_1":
      return [
        header("ON HOLD - Awaiting Approval :raised_hand:"),
        { type: "section", fields: [project, branch, author] },
        mentionSection,
      ];
  }
}

function header(text: string): SlackBlock {
  return { type: "header", text: { type: "plain_text", text, emoji: true } };
}

function field(label: string, value: string): { type: "mrkdwn"; text: string } {
  return fieldMarkup(label, escapeMarkup(value));
}

function fieldMarkup(label: string, markup: string): { type: "mrkdwn"; text: string } {
  return { type: "mrkdwn", text: `*${label}*: ${markup}` };
}

function button(actionId: string, text: string, url: string): SlackBlock[] {
  if (url === "") return [];
  return [
    {
      type: "actions",
      elements: [{ type: "button", action_id: actionId, text: { type: "plain_text", text }, url }],
    },
  ];
}

// Slack shows <!date^…> in the reader's own time zone; the text after | is for clients that cannot.
function slackDate(unixSeconds: number): string {
  if (unixSeconds === 0) return "";
  const fallback = new Date(unixSeconds * 1000).toISOString().replace(".000Z", "Z");
  return `<!date^${unixSeconds}^{date_short_pretty} {time}|${fallback}>`;
}
