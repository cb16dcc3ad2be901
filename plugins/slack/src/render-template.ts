import Handlebars from "handlebars";
import { escapeMarkup } from "./escape-markup.js";
import { TemplateError, type TemplateSetting } from "./template-error.js";
import {
  type HandlebarsEnvironment,
  registerTemplateHelpers,
  type TemplateHelperOptions,
} from "./template-helpers.js";

/** How {@link renderTemplate} renders. */
export interface RenderTemplateOptions extends TemplateHelperOptions {
  /** The setting the template comes from, named in errors. */
  setting: TemplateSetting;
}

/** The object every compiled template function receives first; it holds the escape function. */
interface TemplateContainer {
  escapeExpression: (value: unknown) => string;
}

/** The parts of a compiled template's specification this module touches. */
interface TemplateSpecification {
  main: (this: unknown, container: TemplateContainer, ...rest: unknown[]) => string;
}

/**
 * Creates an isolated Handlebars environment with drone-template-lib's helpers whose `{{ }}`
 * escapes for Slack (see {@link escapeMarkup}); `{{{ }}}` stays raw as before.
 */
export function createTemplateEnvironment(
  options: TemplateHelperOptions = {},
): HandlebarsEnvironment {
  const environment = Handlebars.create();
  registerTemplateHelpers(environment, options);
  // Handlebars reads its escape function from a per-template "container" that only the compiled
  // template sees; wrapping the entry point is the one place to swap it for this environment
  // alone without touching the global Handlebars.
  const template = environment.template.bind(environment);
  environment.template = ((specification: TemplateSpecification) => {
    const main = specification.main;
    return template({
      ...specification,
      main(this: unknown, container: TemplateContainer, ...rest: unknown[]) {
        container.escapeExpression = escapeExpression;
        return main.call(this, container, ...rest);
      },
    } as never);
  }) as typeof environment.template;
  return environment;
}

// Like Handlebars' own escapeExpression, a SafeString (anything with toHTML) is trusted as is.
function escapeExpression(value: unknown): string {
  const safe = value as { toHTML?: () => string } | null | undefined;
  return typeof safe?.toHTML === "function" ? safe.toHTML() : escapeMarkup(value);
}

/**
 * Renders a drone-slack template (Handlebars, as raymond understands it) against a context and
 * trims spaces and newlines around the result, like drone-template-lib's `RenderTrim`.
 *
 * @throws {TemplateError} naming the setting, with Handlebars' message (parse errors carry their
 * line), when the template does not parse or a helper fails.
 */
export function renderTemplate(
  source: string,
  context: unknown,
  options: RenderTemplateOptions,
): string {
  const environment = createTemplateEnvironment(options);
  let output: string;
  try {
    const template = environment.compile(source, { strict: false, noEscape: false });
    output = template(context);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new TemplateError(
      "E_SLACK_TEMPLATE",
      options.setting,
      `${options.setting}: the template could not be rendered: ${reason}`,
      { cause: error },
    );
  }
  // RenderTrim trims only spaces and newlines (strings.Trim(out, " \n")), not tabs.
  return output.replace(/^[ \n]+|[ \n]+$/g, "");
}
