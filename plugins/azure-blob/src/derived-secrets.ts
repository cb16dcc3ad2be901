import type { AzureBlobSettings } from "./settings.js";

/**
 * Other forms in which the credentials may show up in a message, besides the values the runtime
 * already masks: a SAS without its `?`, its signature alone (raw and URL-decoded), the key and SAS
 * inside a connection string.
 */
export function derivedSecrets(
  values: Pick<AzureBlobSettings, "sas_token" | "connection_string">,
): string[] {
  const found = new Set<string>();
  if (values.sas_token) addSas(values.sas_token, found);
  if (values.connection_string) {
    for (const part of values.connection_string.split(";")) {
      const separator = part.indexOf("=");
      if (separator < 0) continue;
      const name = part.slice(0, separator).trim().toLowerCase();
      const value = part.slice(separator + 1).trim();
      if (name === "accountkey" && value) found.add(value);
      if (name === "sharedaccesssignature" && value) addSas(value, found);
    }
  }
  return [...found];
}

function addSas(sas: string, found: Set<string>): void {
  const query = sas.replace(/^\?/, "");
  found.add(query);
  const signature = /(?:^|&)sig=([^&]+)/.exec(query)?.[1];
  if (signature === undefined) return;
  found.add(signature);
  try {
    found.add(decodeURIComponent(signature));
  } catch {
    // A signature that is not valid percent-encoding only appears as written.
  }
}
