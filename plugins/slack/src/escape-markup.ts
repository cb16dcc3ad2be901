const entities: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;" };

/**
 * Escapes what Slack's mrkdwn treats as control characters: `&`, `<` and `>`, and nothing else.
 * `null` and `undefined` become the empty text; anything else is printed with `String()`.
 *
 * Go's raymond (like Handlebars) also escapes quotes, which Slack then shows literally
 * (`Merge branch &apos;release&apos;`, drone-plugins/drone-slack#105). Slack decodes exactly
 * these three entities, so escaping only them keeps `{{build.message}}` both safe and readable.
 */
export function escapeMarkup(value: unknown): string {
  if (value === undefined || value === null) return "";
  return String(value).replace(/[&<>]/g, (character) => entities[character] as string);
}
