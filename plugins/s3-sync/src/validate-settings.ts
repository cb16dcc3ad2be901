import type { PluginIssue } from "@spotkit/runtime";
import { toMetadataRule, toRuleValue } from "./rule-keys.js";
import { hasGlobSyntax, normalizeEndpoint } from "./s3-sync-config.js";
import type { S3SyncRunSettings } from "./settings.js";

/** The header rules whose keys are checked, by setting name. */
const ruleSettings = ["acl", "content_type", "content_encoding", "cache_control"] as const;

/**
 * Checks the settings that depend on each other, before any request: credentials that do not
 * go together, a download given a glob or a CloudFront distribution, an endpoint that is not a URL, a pattern key that cannot
 * be read. Every problem is reported, each naming its setting.
 */
export function validateS3SyncSettings(settings: S3SyncRunSettings): PluginIssue[] {
  return [
    ...checkCredentials(settings),
    ...checkEndpoint(settings),
    ...checkDirection(settings),
    ...checkRules(settings),
  ];
}

// --- internal ---

function checkCredentials(settings: S3SyncRunSettings): PluginIssue[] {
  const issues: PluginIssue[] = [];
  const hasKey = Boolean(settings.access_key);
  const hasSecret = Boolean(settings.secret_key);
  if (hasKey && !hasSecret) {
    issues.push({
      setting: "secret_key",
      message:
        "access_key is set without its secret: set secret_key (or AWS_SECRET_ACCESS_KEY) too",
    });
  }
  if (hasSecret && !hasKey) {
    issues.push({
      setting: "access_key",
      message: "secret_key is set without its key: set access_key (or AWS_ACCESS_KEY_ID) too",
    });
  }
  if (settings.session_token && !(hasKey && hasSecret)) {
    issues.push({
      setting: "session_token",
      message:
        "a session token belongs to temporary keys: set access_key and secret_key with it, or remove it",
    });
  }
  if (settings.oidc_token_id) {
    if (!settings.assume_role) {
      issues.push({
        setting: "oidc_token_id",
        message:
          "an OIDC token is exchanged for a role's credentials: set assume_role to the ARN of that role",
      });
    }
    if (hasKey || hasSecret) {
      issues.push({
        setting: "oidc_token_id",
        message:
          "choose one kind of credentials: access_key/secret_key (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY) or oidc_token_id with assume_role, not both",
      });
    }
  }
  if (settings.user_role_arn && settings.assume_role) {
    issues.push({
      setting: "user_role_arn",
      message:
        "assuming user_role_arn with the credentials of assume_role (a chain of two roles) is not supported yet: set only one of them",
    });
  }
  return issues;
}

function checkEndpoint(settings: S3SyncRunSettings): PluginIssue[] {
  const endpoint = normalizeEndpoint(settings.endpoint);
  if (endpoint === undefined) return [];
  let protocol: string | undefined;
  try {
    protocol = new URL(endpoint).protocol;
  } catch {
    protocol = undefined;
  }
  if (protocol === "http:" || protocol === "https:") return [];
  return [
    {
      setting: "endpoint",
      message: "expected an http(s) URL or a host such as minio.example.com:9000",
    },
  ];
}

function checkDirection(settings: S3SyncRunSettings): PluginIssue[] {
  if (!settings.download) return [];
  const issues: PluginIssue[] = [];
  if (hasGlobSyntax(settings.source)) {
    issues.push({
      setting: "source",
      message:
        "with download, source is the key prefix to download (such as builds/42/), not a glob",
    });
  }
  if (settings.cloudfront_distribution) {
    issues.push({
      setting: "cloudfront_distribution",
      message: "a download changes nothing CloudFront serves: remove it, or set download to false",
    });
  }
  if (settings.strip_prefix && /[*?]/.test(settings.strip_prefix)) {
    issues.push({
      setting: "strip_prefix",
      message:
        "a pattern cannot be used with download; source is already removed from every key, so set source to the longer prefix",
    });
  }
  return issues;
}

function checkRules(settings: S3SyncRunSettings): PluginIssue[] {
  const issues: PluginIssue[] = [];
  for (const name of ruleSettings) {
    try {
      toRuleValue(settings[name]);
    } catch (error) {
      issues.push({ setting: name, message: describe(error) });
    }
  }
  try {
    toMetadataRule(settings.metadata);
  } catch (error) {
    issues.push({ setting: "metadata", message: describe(error) });
  }
  for (const [path, location] of Object.entries(settings.redirects ?? {})) {
    if (location.trim() === "") {
      issues.push({
        setting: "redirects",
        message: `the redirect of ${JSON.stringify(path)} is empty: give a path (/new/page.html) or a URL`,
      });
    }
  }
  return issues;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
