import { describe, expect, it } from "vitest";
import { renderTemplate } from "./render-template.js";
import { createTemplateContext } from "./template-context.js";
import { TemplateError } from "./template-error.js";
import { octocatBuild } from "./test-support/octocat-build.js";

const context = createTemplateContext(octocatBuild(), {});

describe("renderTemplate", () => {
  it("renders drone-slack's test template exactly as the Go plugin does", () => {
    // plugin_test.go TestTemplateMessage and TestTemplateFallbackMessage
    const template =
      "Message Template:\n{{build.message}}\n{{build.message.title}}\n{{build.message.body}}";
    expect(renderTemplate(template, context, { setting: "template" })).toBe(
      "Message Template:\nInitial commit\n\nMessage body\nInitial commit\nMessage body",
    );
    const fallback =
      "Message Template Fallback:\n{{build.message.title}}\n{{build.branch}}\n{{build.status}}";
    expect(renderTemplate(fallback, context, { setting: "fallback" })).toBe(
      "Message Template Fallback:\nInitial commit\nmaster\nsuccess",
    );
  });

  it("trims only spaces and newlines around the output, like RenderTrim", () => {
    expect(renderTemplate("\n  {{repo.name}} \n\n", context, { setting: "template" })).toBe(
      "hello-world",
    );
    expect(renderTemplate("\t{{repo.name}}\t", context, { setting: "template" })).toBe(
      "\thello-world\t",
    );
  });

  it("escapes only &, < and > in {{ }}, so quotes reach Slack readable", () => {
    const quoted = { text: `Merge branch 'release' "now" <b> & more` };
    expect(renderTemplate("{{text}}", quoted, { setting: "template" })).toBe(
      `Merge branch 'release' "now" &lt;b&gt; &amp; more`,
    );
    expect(renderTemplate("{{{text}}}", quoted, { setting: "template" })).toBe(quoted.text);
  });

  it("leaves the global Handlebars escaping alone", async () => {
    renderTemplate("{{text}}", { text: "'" }, { setting: "template" });
    const { default: Handlebars } = await import("handlebars");
    expect(Handlebars.compile("{{text}}")({ text: "'" })).toBe("&#x27;");
  });

  it("resolves capitalised names like raymond does for Go structs", () => {
    expect(
      renderTemplate("{{Repo.Owner}} {{Build.DeployTo}}{{build.Status}}", context, {
        setting: "template",
      }),
    ).toBe("octocat success");
  });

  it("reports a parse error with the setting and Handlebars' message", () => {
    const render = () =>
      renderTemplate("{{#if build.tag}}\nno end", context, { setting: "fallback" });
    expect(render).toThrow(TemplateError);
    expect(render).toThrow(/^fallback: the template could not be rendered: Parse error on line 2:/);
    try {
      render();
    } catch (error) {
      expect((error as TemplateError).code).toBe("E_SLACK_TEMPLATE");
      expect((error as TemplateError).setting).toBe("fallback");
    }
  });

  it("reports a missing helper", () => {
    expect(() =>
      renderTemplate("{{nohelper build.status}}", context, { setting: "template" }),
    ).toThrow(/template: the template could not be rendered: Missing helper: "nohelper"/);
  });
});
