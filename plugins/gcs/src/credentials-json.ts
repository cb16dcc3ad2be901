/** The fields of a credentials JSON file that matter here (service account, user, external). */
export interface CredentialsJson {
  type?: string;
  client_email?: string;
  private_key?: string;
  private_key_id?: string;
  client_secret?: string;
  refresh_token?: string;
  [field: string]: unknown;
}

/** A parsed credentials JSON, or why the text is not one (never quoting the text). */
export type ParsedCredentials =
  | { ok: true; credentials: CredentialsJson }
  | { ok: false; problem: string };

/**
 * Reads the JSON of `token` / `json_key`: a service-account key (what plugins/gcs takes), or any
 * other credentials file Google's libraries read (authorized_user, external_account,
 * impersonated_service_account). A service-account key must carry `client_email` and
 * `private_key`.
 */
export function parseCredentialsJson(text: string): ParsedCredentials {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return {
      ok: false,
      problem:
        'it is not JSON: paste the whole content of the service account\'s key file ({"type": "service_account", …})',
    };
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return { ok: false, problem: "it is not a JSON object: paste the whole key file" };
  }
  const credentials = parsed as CredentialsJson;
  if (credentials.type === undefined) {
    return { ok: false, problem: 'it has no "type": paste the whole key file' };
  }
  if (
    credentials.type === "service_account" &&
    (typeof credentials.client_email !== "string" || typeof credentials.private_key !== "string")
  ) {
    return {
      ok: false,
      problem:
        "the service-account key has no client_email or private_key: paste the whole key file",
    };
  }
  return { ok: true, credentials };
}

/**
 * The values inside a credentials JSON that must be masked besides the JSON itself: the private
 * key (as parsed, with real line breaks, and as written in JSON, with `\n`), its id, and a user
 * credential's client secret and refresh token.
 */
export function credentialSecrets(credentials: CredentialsJson): string[] {
  const found = new Set<string>();
  for (const value of [
    credentials.private_key,
    credentials.private_key_id,
    credentials.client_secret,
    credentials.refresh_token,
  ]) {
    if (typeof value !== "string" || value === "") continue;
    found.add(value);
    found.add(JSON.stringify(value).slice(1, -1));
  }
  return [...found];
}
