import { SpotkitError } from "@spotkit/runtime";

/**
 * Settings of the Go plugins that spotkit does not implement, with what to do instead. They are
 * not declared (no setting that does nothing), but a pipeline that sets one must not pass while
 * silently skipping the work it asked for.
 */
const unsupportedSettings: ReadonlyArray<{ name: string; instead: string }> = [
  {
    name: "cloudfront_distribution",
    instead:
      "CloudFront invalidation is not supported yet: remove it and add a step that runs `aws cloudfront create-invalidation --distribution-id <id> --paths '/<target>/*'`",
  },
];

/**
 * Fails when the step sets a Go setting spotkit does not implement (in Drone's spelling, which
 * keeps `-`, or Woodpecker's, which turns it into `_`).
 *
 * @throws {SpotkitError} `E_SETTING_UNSUPPORTED` naming the variable and what to do instead.
 */
export function rejectUnsupportedSettings(env: Readonly<Record<string, string | undefined>>): void {
  for (const { name, instead } of unsupportedSettings) {
    const spellings = [name, name.replaceAll("_", "-")].map((key) => `PLUGIN_${key.toUpperCase()}`);
    const variable = spellings.find((candidate) => (env[candidate] ?? "") !== "");
    if (variable !== undefined) {
      throw new SpotkitError("E_SETTING_UNSUPPORTED", `${variable} (${name}): ${instead}.`);
    }
  }
}
