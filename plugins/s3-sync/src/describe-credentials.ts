import type { S3SyncRunSettings } from "./settings.js";

/**
 * Names the credentials a run uses, for the log, without any value: `static keys`,
 * `static keys, then assume_role arn:…`, `web identity for arn:…`, `the AWS default chain…`.
 */
export function describeCredentials(settings: S3SyncRunSettings): string {
  const keys = settings.access_key
    ? settings.session_token
      ? "static keys with a session token"
      : "static keys"
    : "the AWS default chain (environment, profile, web identity, ECS/EC2 metadata)";
  if (settings.oidc_token_id)
    return `web identity (oidc_token_id) for ${settings.assume_role ?? "?"}`;
  if (settings.assume_role) return `${keys}, then assume_role ${settings.assume_role}`;
  if (settings.user_role_arn) return `${keys}, then user_role_arn ${settings.user_role_arn}`;
  return keys;
}
