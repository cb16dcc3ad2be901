import { SpotkitError } from "@spotkit/runtime";

/** The setting a template comes from. */
export type TemplateSetting = "template" | "fallback";

/**
 * A `template` or `fallback` that could not be read or rendered. The message names the setting
 * and says what went wrong (the Handlebars parse error with its line, a missing helper, an HTTP
 * status), so the user knows which setting to fix.
 */
export class TemplateError extends SpotkitError {
  /** The setting whose value failed. */
  readonly setting: TemplateSetting;

  /**
   * @param code `E_SLACK_TEMPLATE` for rendering, `E_SLACK_TEMPLATE_SOURCE` for reading.
   */
  constructor(
    code: "E_SLACK_TEMPLATE" | "E_SLACK_TEMPLATE_SOURCE",
    setting: TemplateSetting,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
    this.name = "TemplateError";
    this.setting = setting;
  }
}
