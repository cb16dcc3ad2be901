import { type CommonSettingsShape, type SettingsOf, setting } from "@spotkit/runtime";
import { z } from "zod";

/** A header value for every file (a string), or per pattern (an object of pattern → value). */
const ruleValueSchema = z.union([z.string(), z.record(z.string(), z.string())]);

/**
 * A metadata value as YAML may type it: Woodpecker keeps numbers and booleans as JSON numbers
 * and booleans inside maps, and S3 metadata is text, so they are turned into text.
 */
const metadataTextSchema = z
  .union([z.string(), z.number(), z.boolean()])
  .transform((value) => String(value));

/**
 * The settings of the S3 sync plugin: the union of drone-plugins/drone-s3-sync
 * (`plugins/s3-sync`) and drone-plugins/drone-s3 (`plugins/s3`), named and aliased as they are
 * there, plus spotkit's additions.
 */
export const settings = {
  bucket: setting(z.string().min(1), {
    description: "Name of the bucket to sync with.",
    aliases: ["S3_BUCKET"],
    example: "my-site",
  }),
  endpoint: setting(z.string().optional(), {
    description:
      "URL of an S3-compatible server (MinIO, Ceph, R2…); https:// is added when no scheme is given. Leave unset for AWS.",
    aliases: ["S3_SYNC_ENDPOINT", "S3_ENDPOINT"],
    example: "https://minio.example.com:9000",
  }),
  region: setting(z.string().min(1).default("us-east-1"), {
    description: "Region of the bucket (the region requests are signed for).",
    aliases: ["S3_REGION"],
    example: "eu-west-1",
  }),
  path_style: setting(z.boolean().optional(), {
    description:
      "Address the bucket as endpoint/bucket instead of bucket.endpoint. Defaults to true when endpoint is set, false for AWS.",
    example: true,
  }),
  access_key: setting(z.string().optional(), {
    description:
      "Access key ID. Without access_key, secret_key and a role, the AWS default chain is used (environment, profile, web identity, ECS/EC2 metadata).",
    aliases: ["AWS_ACCESS_KEY_ID"],
    secret: true,
    example: "AKIAIOSFODNN7EXAMPLE",
  }),
  secret_key: setting(z.string().optional(), {
    description: "Secret access key, with access_key.",
    aliases: ["AWS_SECRET_ACCESS_KEY"],
    secret: true,
    example: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  }),
  session_token: setting(z.string().optional(), {
    description: "Session token of temporary credentials, with access_key and secret_key.",
    aliases: ["AWS_SESSION_TOKEN"],
    secret: true,
    example: "FwoGZXIvYXdzEXAMPLETOKEN",
  }),
  assume_role: setting(z.string().optional(), {
    description:
      "ARN of a role to assume: with oidc_token_id through AssumeRoleWithWebIdentity, else with AssumeRole signed by the other credentials.",
    aliases: ["ASSUME_ROLE"],
    example: "arn:aws:iam::123456789012:role/deploy",
  }),
  assume_role_session_name: setting(z.string().min(1).default("drone-s3"), {
    description: "Session name of the assumed role (assume_role or user_role_arn).",
    aliases: ["ASSUME_ROLE_SESSION_NAME"],
    example: "drone-s3",
  }),
  external_id: setting(z.string().optional(), {
    description: "External ID of the AssumeRole call of assume_role.",
    example: "a1b2c3",
  }),
  user_role_arn: setting(z.string().optional(), {
    description:
      "ARN of a role to assume with the other credentials (access keys, or the default chain such as IRSA). Cannot be combined with assume_role.",
    aliases: ["AWS_USER_ROLE_ARN"],
    example: "arn:aws:iam::123456789012:role/uploader",
  }),
  user_role_external_id: setting(z.string().optional(), {
    description: "External ID of the AssumeRole call of user_role_arn.",
    example: "a1b2c3",
  }),
  oidc_token_id: setting(z.string().optional(), {
    description:
      "An OIDC token (its text) exchanged for assume_role's credentials with AssumeRoleWithWebIdentity.",
    secret: true,
    example: "eyJhbGciOiJSUzI1NiIsImtpZCI6IkVYQU1QTEUifQ.e30.c2lnbmF0dXJl",
  }),
  source: setting(z.string().min(1).default("."), {
    description:
      "Upload: a folder, whose content goes under target (plugins/s3-sync), or a glob such as dist/**/*, whose files keep their path (plugins/s3), or one file. Download: the key prefix to download.",
    example: "dist/**/*",
  }),
  target: setting(z.string().default("/"), {
    description:
      "Upload: the key prefix (folder) in the bucket; a leading / is ignored. Download: the local folder, relative to the workspace.",
    example: "/releases/1.2.0",
  }),
  strip_prefix: setting(z.string().optional(), {
    description:
      "Removed from the start of each file's path before target is prepended: a literal prefix, or a pattern with * (one segment), ** (any depth) and ?.",
    example: "dist/",
  }),
  exclude: setting(z.array(z.string()).default([]), {
    description:
      "Globs of files to leave out, matched against the same path as strip_prefix; a glob without / matches the file name at any depth.",
    example: ["**/*.map", ".git/**"],
  }),
  delete: setting(z.boolean().default(false), {
    description:
      "Delete what the other side no longer has: objects under target (upload) or files in the target folder (download). Runs only after every transfer succeeded.",
    example: true,
  }),
  download: setting(z.boolean().default(false), {
    description: "Download the objects under the source prefix into the target folder instead.",
    example: true,
  }),
  acl: setting(ruleValueSchema.optional(), {
    description:
      "Canned ACL (private, public-read…) for every file, or a map of pattern → ACL. Unset: no ACL is sent (the bucket's default).",
    aliases: ["PLUGIN_ACCESS"],
    example: { "*.html": "public-read", "private/**": "private" },
  }),
  content_type: setting(ruleValueSchema.optional(), {
    description:
      "Content-Type for every file, or a map of pattern → type (extension .svg, glob, or a plugins/s3 regex; see the README). Default: from the extension.",
    example: { ".svg": "image/svg+xml", ".wasm": "application/wasm" },
  }),
  content_encoding: setting(ruleValueSchema.optional(), {
    description: "Content-Encoding for every file, or a map of pattern → encoding.",
    example: { ".br": "br" },
  }),
  cache_control: setting(ruleValueSchema.optional(), {
    description: "Cache-Control for every file, or a map of pattern → value.",
    example: { "*.html": "no-cache", "assets/**": "public, max-age=31536000, immutable" },
  }),
  metadata: setting(
    z
      .record(z.string(), z.union([metadataTextSchema, z.record(z.string(), metadataTextSchema)]))
      .optional(),
    {
      description:
        "User metadata (x-amz-meta-*): a map of pattern → { key: value }, or one { key: value } map for every file.",
      example: { "*.html": { author: "ci" } },
    },
  ),
  redirects: setting(z.record(z.string(), z.string()).optional(), {
    description:
      "Website redirects: a map of path (under target) → URL, each written as an empty object with x-amz-website-redirect-location.",
    example: { "old/index.html": "/new/index.html" },
  }),
  encryption: setting(z.string().optional(), {
    description: "Server-side encryption of uploaded objects: AES256 or aws:kms.",
    example: "AES256",
  }),
  storage_class: setting(z.string().optional(), {
    description:
      "Storage class of uploaded objects (STANDARD_IA, GLACIER_IR, INTELLIGENT_TIERING…).",
    example: "STANDARD_IA",
  }),
  gzip: setting(z.array(z.string()).default([]), {
    description:
      "Extensions of files to compress on upload (stored with Content-Encoding: gzip), as plugins/gcs does.",
    example: ["html", "css", "js", "svg"],
  }),
  force: setting(z.boolean().default(false), {
    description:
      "Upload every file even when the bucket already holds the same content (to rewrite headers, ACLs or metadata).",
    example: true,
  }),
  cloudfront_distribution: setting(z.string().optional(), {
    description:
      "Id of a CloudFront distribution to invalidate (/<target>/*) once every file is synced, with the same credentials. AWS_ENDPOINT_URL_CLOUDFRONT points it elsewhere.",
    example: "E1ABCDEFGHIJ",
  }),
  dry_run: setting(z.boolean().default(false), {
    description:
      "Print what would be uploaded, downloaded and deleted without changing anything (the bucket is still listed).",
    aliases: ["DRY_RUN"],
    example: true,
  }),
  max_concurrency: setting(z.int().min(1).max(1000).default(16), {
    description: "Files hashed and transferred at once (plugins/s3-sync used 100).",
    example: 32,
  }),
  part_size: setting(z.int().min(5).max(5120).optional(), {
    description:
      "Part size of multipart uploads, in MiB (5 to 5120). Files above multipart_threshold are uploaded in parts (above one part when part_size is set alone). Default: 8.",
    example: 16,
  }),
  multipart_threshold: setting(z.int().min(5).max(5120).optional(), {
    description:
      "Files up to this size, in MiB (5 to 5120), are uploaded in one request, streamed from disk; larger ones in parts of part_size. Default: part_size when it is set, else 128.",
    example: 256,
  }),
  checksum_mode: setting(z.enum(["when_required", "when_supported"]).optional(), {
    description:
      "When the S3 client adds checksums to requests: when_supported (AWS's default) or when_required (what most S3-compatible servers need). Default: when_required with endpoint, when_supported for AWS.",
    example: "when_required",
  }),
  ca_bundle: setting(z.string().optional(), {
    description:
      "PEM file of extra CAs to trust for an https endpoint (added to the system's); ignored for http endpoints.",
    aliases: ["AWS_CA_BUNDLE"],
    example: "/etc/ssl/certs/internal-ca.pem",
  }),
  max_attempts: setting(z.int().min(1).max(20).optional(), {
    description:
      "Tries per S3 request, the first included; throttling, 5xx and dropped connections are retried with backoff. Default: 5.",
    aliases: ["AWS_MAX_ATTEMPTS"],
    example: 8,
  }),
};

/** The settings' shape, for typing. */
export type S3SyncSettingsShape = typeof settings;

/** The decoded settings a run receives (before the runtime's common settings are merged in). */
export type S3SyncSettings = z.output<z.ZodObject<S3SyncSettingsShape>>;

/** The settings `run` and `validate` receive: the plugin's own plus the runtime's common ones. */
export type S3SyncRunSettings = SettingsOf<S3SyncSettingsShape & CommonSettingsShape>;
