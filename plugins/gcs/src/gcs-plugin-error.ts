import { SpotkitError } from "@spotkit/runtime";

/** Codes of {@link GcsPluginError}. */
export type GcsPluginErrorCode =
  /** GCS refused the credential; the message names the settings and variables to fix. */
  | "E_GCS_CREDENTIALS"
  /** An upload source names a path that does not exist. */
  | "E_GCS_SOURCE_NOT_FOUND"
  /** The settings cannot work together for what the sources turned out to be. */
  | "E_GCS_INVALID_SETTINGS";

/** A failure of the GCS plugin, with a message that says what to change. */
export class GcsPluginError extends SpotkitError {
  declare readonly code: GcsPluginErrorCode;

  constructor(code: GcsPluginErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = "GcsPluginError";
  }
}
