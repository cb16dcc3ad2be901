import { z } from "zod";
import { setting } from "./setting.js";

/**
 * Settings every spotkit plugin understands, merged into each plugin's own declaration (a plugin
 * may redeclare one of these names to change it). They mirror drone-plugin-lib's shared flags.
 */
export const commonSettings = {
  log_level: setting(z.enum(["trace", "debug", "info", "warn", "error"]).optional(), {
    description:
      "How much to log. Defaults to debug when the build runs in debug mode (DRONE_BUILD_DEBUG), else info.",
    example: "debug",
  }),
  log_format: setting(z.enum(["text", "json"]).default("text"), {
    description: "Log as plain text lines or as one JSON object per line.",
    example: "json",
  }),
  skip_verify: setting(z.boolean().default(false), {
    description:
      "Skip TLS certificate verification for the plugin's HTTP requests. Only for test servers with self-signed certificates.",
    example: false,
  }),
  env_file: setting(z.string().optional(), {
    description:
      "A dotenv file whose variables are loaded before the settings are read; variables already set win.",
    example: ".env.ci",
  }),
};

/** The type of {@link commonSettings}. */
export type CommonSettingsShape = typeof commonSettings;
