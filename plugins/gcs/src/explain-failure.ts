import { SpotkitError } from "@spotkit/runtime";
import { credentialAdvice, type GcsCredentialKind } from "./gcs-credential.js";
import { GcsPluginError } from "./gcs-plugin-error.js";

/**
 * Adds the credential advice to an error when GCS refused the credential (`E_STORAGE_AUTH`
 * anywhere in its cause chain, as the sync engine wraps store errors); other errors pass unchanged.
 */
export function explainFailure(error: unknown, credential: GcsCredentialKind): unknown {
  if (!hasCode(error, "E_STORAGE_AUTH")) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new GcsPluginError(
    "E_GCS_CREDENTIALS",
    `${message.replace(/\.?$/, ".")} ${credentialAdvice[credential]}`,
    { cause: error },
  );
}

/** True when the error or one of its causes is a SpotkitError with this code. */
function hasCode(error: unknown, code: string): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current !== undefined; depth++) {
    if (SpotkitError.isInstance(current) && current.code === code) return true;
    current = current instanceof Error ? current.cause : undefined;
  }
  return false;
}
