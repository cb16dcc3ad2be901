import { SpotkitError } from "@spotkit/runtime";

/** Codes of {@link AzureBlobPluginError}. */
export type AzureBlobPluginErrorCode =
  /** Azure refused the credential; the message names the setting and variable to fix. */
  | "E_AZURE_CREDENTIALS"
  /** The upload source names a path that does not exist. */
  | "E_AZURE_SOURCE_NOT_FOUND";

/** A failure of the Azure Blob plugin, with a message that says what to change. */
export class AzureBlobPluginError extends SpotkitError {
  declare readonly code: AzureBlobPluginErrorCode;

  constructor(code: AzureBlobPluginErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = "AzureBlobPluginError";
  }
}
