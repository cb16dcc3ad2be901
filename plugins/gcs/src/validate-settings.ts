import type { PluginIssue } from "@spotkit/runtime";
import { describeBadBucketName, parseBucketPath } from "./bucket-path.js";
import { parseCredentialsJson } from "./credentials-json.js";
import { predefinedAclFor } from "./gcs-acl.js";
import { pickGcsCredential } from "./gcs-credential.js";
import type { GcsSettings } from "./settings.js";
import { splitPatternList } from "./split-pattern-list.js";

/**
 * Checks the settings that depend on each other before any request, as plugins/gcs's `run` does
 * (`Missing source`, `Missing target`, a token that is not a key) and more: the bucket name, the
 * ACL entries, a service-account email. Every problem is reported at once.
 */
export function validateSettings(values: GcsSettings): PluginIssue[] {
  const issues: PluginIssue[] = [];
  const sources = splitPatternList(values.source ?? "");
  if (sources.length === 0) {
    issues.push({
      setting: "source",
      message: values.download
        ? "set source to bucket/path of the folder to download, such as my-bucket/builds/1.4.0"
        : "set source to the folders, files or globs to upload, such as dist",
    });
  }
  if (values.download) {
    const remote = parseBucketPath(values.source ?? "");
    const problem = sources.length > 0 ? describeBadBucketName(remote.bucket) : undefined;
    if (problem) {
      issues.push({
        setting: "source",
        message: `source must start with the bucket (bucket/path) when download is on: ${problem}`,
      });
    }
  } else {
    const problem = values.target
      ? describeBadBucketName(parseBucketPath(values.target).bucket)
      : "it is not set";
    if (problem) {
      issues.push({
        setting: "target",
        message: `set target to bucket/path, the first segment naming the bucket (my-bucket/site/): ${problem}`,
      });
    }
    if (values.delete && sources.length > 1) {
      issues.push({
        setting: "delete",
        message:
          "delete compares one source folder with the target; with several sources each would delete the others' objects. Use one source, or several steps",
      });
    }
  }
  const acl = predefinedAclFor(values.acl);
  if (!acl.ok) issues.push({ setting: "acl", message: acl.message });

  const credential = pickGcsCredential(values);
  if (credential === "token" || credential === "json-key") {
    const name = credential === "token" ? "token" : "json_key";
    const parsed = parseCredentialsJson(
      (credential === "token" ? values.token : values.json_key) ?? "",
    );
    if (!parsed.ok) {
      issues.push({
        setting: name,
        message: `${name} is not a Google credentials JSON (token/json_key, GOOGLE_CREDENTIALS): ${parsed.problem}`,
      });
    }
  }
  if (
    credential === "workload-identity" &&
    !/^[^@/:\s]+@[^@/:\s]+$/.test(values.service_account_email ?? "")
  ) {
    issues.push({
      setting: "service_account_email",
      message:
        "set service_account_email to the service account's email (name@project.iam.gserviceaccount.com)",
    });
  }
  return issues;
}
