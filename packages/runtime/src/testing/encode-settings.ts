import { encodeDroneSettings } from "./encode-drone.js";
import { encodeWoodpeckerSettings } from "./encode-woodpecker.js";

/** Which runner's rules turn `settings:` into `PLUGIN_*` variables. */
export type SettingsEncoding = "drone" | "woodpecker";

/** Options of {@link encodeSettings}. */
export interface EncodeSettingsOptions {
  /**
   * The secrets `{ from_secret: name }` reads, by name.
   * @default {}
   */
  secrets?: Readonly<Record<string, string>>;
}

/**
 * Encodes a step's `settings:` (written as the object a YAML parser returns) into the `PLUGIN_*`
 * variables the chosen runner gives the plugin: {@link encodeDroneSettings} or
 * {@link encodeWoodpeckerSettings}.
 */
export function encodeSettings(
  settings: Record<string, unknown>,
  encoding: SettingsEncoding,
  options: EncodeSettingsOptions = {},
): Record<string, string> {
  switch (encoding) {
    case "drone":
      return encodeDroneSettings(settings, options);
    case "woodpecker":
      return encodeWoodpeckerSettings(settings, options);
    default:
      throw new TypeError(
        `Unknown settings encoding ${JSON.stringify(encoding)}: use "drone" or "woodpecker"`,
      );
  }
}
