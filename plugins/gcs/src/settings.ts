import { setting } from "@spotkit/runtime";
import { parseByteSize } from "@spotkit/sync";
import { z } from "zod";

/** A header for every file (text), or per pattern (a map of glob or extension → value). */
const ruleValueSchema = z.union([z.string(), z.record(z.string(), z.string())]);

/** `storage_class` values, as GCS names its storage classes (any case). */
export const storageClasses = ["STANDARD", "NEARLINE", "COLDLINE", "ARCHIVE"] as const;

/**
 * The settings of the GCS plugin: plugins/gcs's (drone-plugins/drone-gcs `main.go`), with the
 * same variables, then spotkit's.
 */
export const settings = {
  token: setting(z.string().min(1).optional(), {
    description:
      "The JSON key of a service account (the key file's content). Without token, json_key or access_token, application default credentials are used.",
    aliases: ["GOOGLE_CREDENTIALS", "TOKEN"],
    secret: true,
    example: '{"type": "service_account", "project_id": "…", "private_key": "…", …}',
  }),
  json_key: setting(z.string().min(1).optional(), {
    description:
      "A credentials JSON, as token; used when token is not set. Any file gcloud writes works (service account, authorized user, external account).",
    secret: true,
    example: '{"type": "service_account", …}',
  }),
  source: setting(z.string().optional(), {
    description:
      "Upload: comma-separated folders, files and globs (dist, dist/*.html, assets/**); a folder's files are named relative to it, a glob's relative to its first folder. Download: bucket/path of the folder to fetch.",
    example: "dist",
  }),
  target: setting(z.string().optional(), {
    description:
      "Upload: bucket/path the files go under (the first segment is the bucket); a single file with a target not ending in / is stored under that exact name. Download: the local folder (default: the working directory).",
    example: "my-bucket/site/v1/",
  }),
  ignore: setting(z.string().optional(), {
    description:
      "Comma-separated globs of files not to upload, matched against the name relative to the source folder (a pattern without / matches a file name at any depth).",
    aliases: ["PLUGIN_EXCLUDE"],
    example: "*.map,tmp/**",
  }),
  acl: setting(z.array(z.string()).default([]), {
    description:
      "Access of the uploaded objects as entity:role: allUsers:READER (GCS's publicRead) or allAuthenticatedUsers:READER (authenticatedRead); or a predefined ACL name. Needs fine-grained (not uniform) bucket access.",
    example: ["allUsers:READER"],
  }),
  gzip: setting(z.array(z.string()).default([]), {
    description:
      "Extensions of files to compress with gzip on the way, stored with Content-Encoding: gzip.",
    example: ["js", "css", "html"],
  }),
  cache_control: setting(ruleValueSchema.optional(), {
    description: "Cache-Control for every file, or a map of glob or extension → value.",
    example: "public, max-age=3600",
  }),
  metadata: setting(
    z
      .union([
        z.record(z.string(), z.string()),
        z.record(z.string(), z.record(z.string(), z.string())),
      ])
      .optional(),
    {
      description:
        "Custom metadata: a map of name → value for every object, or a map of glob → {name: value}. Names are stored lower-case; spotkit- is reserved.",
      example: { team: "web" },
    },
  ),
  download: setting(z.boolean().default(false), {
    description:
      "Download instead of upload: the objects under source (bucket/path) are written below target, each at its full object name.",
    example: true,
  }),
  access_token: setting(z.string().min(1).optional(), {
    description:
      "An OAuth 2.0 access token (gcloud auth print-access-token) sent as is and never refreshed; wins over every other credential.",
    secret: true,
    example: "ya29.…",
  }),
  pool_id: setting(z.string().min(1).optional(), {
    description: "Workload identity federation: the workload identity pool ID.",
    example: "ci-pool",
  }),
  provider_id: setting(z.string().min(1).optional(), {
    description: "Workload identity federation: the pool's OIDC provider ID.",
    example: "harness",
  }),
  project_number: setting(z.string().min(1).optional(), {
    description: "Workload identity federation: the number of the project that holds the pool.",
    example: "123456789012",
  }),
  service_account_email: setting(z.string().min(1).optional(), {
    description: "Workload identity federation: the service account to act as.",
    example: "publisher@my-project.iam.gserviceaccount.com",
  }),
  oidc_token_id: setting(z.string().min(1).optional(), {
    description:
      "Workload identity federation: the OIDC ID token exchanged for Google credentials; with the four settings above it wins over token and json_key.",
    secret: true,
    example: "eyJhbGciOi…",
  }),
  api_endpoint: setting(z.url({ protocol: /^https?$/ }).optional(), {
    description:
      "The JSON API endpoint, for private endpoints and test servers. Default: https://storage.googleapis.com.",
    example: "https://storage.example.internal",
  }),
  strip_prefix: setting(z.string().optional(), {
    description:
      "Removed from the start of each object name (relative to the source folder) before the target path is prepended; * and ** wildcards allowed.",
    example: "assets/",
  }),
  delete: setting(z.boolean().default(false), {
    description:
      "Delete objects under the target path that no local file maps to (download: local files not in the bucket), once every transfer succeeded. Works with one source folder.",
    example: true,
  }),
  dry_run: setting(z.boolean().default(false), {
    description: "Log what would be uploaded, downloaded and deleted, and change nothing.",
    example: true,
  }),
  content_type: setting(ruleValueSchema.optional(), {
    description:
      "Content-Type for every file, or a map of glob or extension → type. Default: from the file's extension.",
    example: { ".wasm": "application/wasm" },
  }),
  content_encoding: setting(ruleValueSchema.optional(), {
    description: "Content-Encoding for every file, or a map of glob or extension → encoding.",
    example: { "*.br": "br" },
  }),
  storage_class: setting(
    z
      .string()
      .transform((value) => value.toUpperCase())
      .pipe(z.enum(storageClasses))
      .optional(),
    {
      description:
        "Storage class of the uploaded objects: STANDARD, NEARLINE, COLDLINE or ARCHIVE. Default: the bucket's.",
      example: "NEARLINE",
    },
  ),
  part_size: setting(
    z
      .union([z.number(), z.string()])
      .refine((value) => parseByteSize(value) !== undefined, {
        message: 'expected a size such as 8388608, "8MiB" or "16 MB"',
      })
      .optional(),
    {
      description:
        "Chunk size of resumable uploads, in bytes or with a unit (8MiB, 16MB); rounded up to a multiple of 256 KiB. Smaller files go in one request. Default: 8MiB.",
      example: "16MiB",
    },
  ),
  concurrency: setting(z.number().int().min(1).max(1000).default(16), {
    description: "Files hashed, uploaded or downloaded at once.",
    example: 32,
  }),
};

/** The settings' shape, for typing. */
export type GcsSettingsShape = typeof settings;

/** The decoded settings a run receives (before the runtime's common settings are merged in). */
export type GcsSettings = z.output<z.ZodObject<GcsSettingsShape>>;
