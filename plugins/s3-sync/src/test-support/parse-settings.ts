import { commonSettings } from "@spotkit/runtime";
import { z } from "zod";
import { type S3SyncRunSettings, settings } from "../settings.js";

/** Decoded settings as a run receives them, defaults applied, from values as YAML would give them. */
export function parseSettings(values: Record<string, unknown>): S3SyncRunSettings {
  return z.object({ ...settings, ...commonSettings }).parse(values) as S3SyncRunSettings;
}
