import { setting } from "@spotkit/runtime";
import { parseByteSize } from "@spotkit/sync";
import { z } from "zod";

/** A header for every file (text), or per pattern (a map of glob or extension → value). */
const ruleValueSchema = z.union([z.string(), z.record(z.string(), z.string())]);

/** `tier` values, as Azure names the access tiers of block blobs (any case). */
export const accessTiers = ["hot", "cool", "cold", "archive"] as const;

/**
 * The settings of the Azure Blob plugin. The first four are plugins/azure-storage's
 * (drone-plugins/drone-azure-storage `main.go`), with the same variables; the rest are spotkit's.
 */
export const settings = {
  account_key: setting(z.string().min(1).optional(), {
    description:
      "An access key of the storage account. One credential is required: account_key (with account), sas_token, connection_string, client_id/tenant_id/client_secret or use_azure_identity.",
    aliases: ["AZURE_STORAGE_ACCOUNT_KEY", "AZURE_STORAGE_KEY"],
    secret: true,
    example: "bXktYWNjb3VudC1rZXk=",
  }),
  account: setting(z.string().min(1).optional(), {
    description:
      "The storage account name (storage_account works too). Required with account_key; with sas_token or Azure AD unless endpoint is set.",
    aliases: ["PLUGIN_STORAGE_ACCOUNT", "AZURE_STORAGE_ACCOUNT"],
    example: "mystorageaccount",
  }),
  container: setting(z.string().min(1), {
    description: "The blob container to publish to (or download from). It must exist.",
    aliases: ["AZURE_STORAGE_CONTAINER"],
    example: "releases",
  }),
  source: setting(z.string().optional(), {
    description:
      "Upload: the folder (uploaded recursively), file or glob to publish; blob names drop the first folder of the path, as blobxfer did (dist/css/a.css → css/a.css). Download: the folder inside the container to fetch (default: all of it).",
    aliases: ["AZURE_STORAGE_SOURCE"],
    example: "dist",
  }),
  target: setting(z.string().optional(), {
    description:
      "Upload: a folder inside the container the blobs go under (default: the container's root). Download: the local folder to write into (default: the working directory).",
    example: "website/v1",
  }),
  sas_token: setting(z.string().min(1).optional(), {
    description:
      "A shared access signature (account or container SAS, with or without the leading ?) instead of account_key; needs read, add, create, write, delete and list.",
    aliases: ["AZURE_STORAGE_SAS_TOKEN"],
    secret: true,
    example: "sv=2024-11-04&ss=b&srt=co&sp=rwdlac&se=2030-01-01T00:00:00Z&sig=…",
  }),
  connection_string: setting(z.string().min(1).optional(), {
    description:
      "A storage connection string (AccountName/AccountKey, SharedAccessSignature, BlobEndpoint); wins over every other credential and carries its own endpoint.",
    aliases: ["AZURE_STORAGE_CONNECTION_STRING"],
    secret: true,
    example: "DefaultEndpointsProtocol=https;AccountName=mystorageaccount;AccountKey=…",
  }),
  use_azure_identity: setting(z.boolean().default(false), {
    description:
      "Sign in with Azure AD through DefaultAzureCredential (workload identity, managed identity, AZURE_CLIENT_ID/AZURE_TENANT_ID/AZURE_FEDERATED_TOKEN_FILE, az login). The identity needs the Storage Blob Data Contributor role.",
    example: true,
  }),
  client_id: setting(z.string().min(1).optional(), {
    description:
      "Azure AD application (client) ID: with tenant_id and client_secret a service principal signs in; with use_azure_identity alone it picks a user-assigned managed identity.",
    aliases: ["AZURE_CLIENT_ID"],
    example: "00000000-0000-0000-0000-000000000000",
  }),
  tenant_id: setting(z.string().min(1).optional(), {
    description: "Azure AD tenant (directory) ID of the service principal.",
    aliases: ["AZURE_TENANT_ID"],
    example: "00000000-0000-0000-0000-000000000000",
  }),
  client_secret: setting(z.string().min(1).optional(), {
    description: "Client secret of the service principal named by client_id and tenant_id.",
    aliases: ["AZURE_CLIENT_SECRET"],
    secret: true,
    example: "…",
  }),
  endpoint: setting(z.url({ protocol: /^https?$/ }).optional(), {
    description:
      "The Blob service URL, for sovereign clouds, private endpoints and azurite (http://127.0.0.1:10000/devstoreaccount1). Default: https://<account>.blob.core.windows.net.",
    aliases: ["AZURE_STORAGE_BLOB_ENDPOINT"],
    example: "https://mystorageaccount.blob.core.chinacloudapi.cn",
  }),
  download: setting(z.boolean().default(false), {
    description:
      "Download instead of upload: the blobs under source are written below the local folder target.",
    example: true,
  }),
  exclude: setting(z.array(z.string()).default([]), {
    description:
      "Globs of files not to upload, matched against the blob name before target (a pattern without / matches the file name at any depth).",
    example: ["*.map", "tmp/**"],
  }),
  strip_prefix: setting(z.string().optional(), {
    description:
      "Removed from the start of each blob name (before target is prepended); * and ** wildcards allowed.",
    example: "assets/",
  }),
  delete: setting(z.boolean().default(false), {
    description:
      "Delete blobs under target that no local file maps to (download: local files not in the container), once every transfer succeeded.",
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
  cache_control: setting(ruleValueSchema.optional(), {
    description: "Cache-Control for every file, or a map of glob or extension → value.",
    example: { "*.html": "no-cache", "**": "public, max-age=31536000" },
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
        "Blob metadata: a map of name → value for every file, or a map of glob → {name: value}. Names are stored lower-case; spotkit- is reserved.",
      example: { "*.html": { team: "web" } },
    },
  ),
  gzip: setting(z.array(z.string()).default([]), {
    description:
      "Extensions of files to compress with gzip on the way (stored with Content-Encoding: gzip).",
    example: ["html", "css", "js", "svg"],
  }),
  tier: setting(
    z
      .string()
      .transform((value) => value.toLowerCase())
      .pipe(z.enum(accessTiers))
      .optional(),
    {
      description:
        "Access tier of the uploaded blobs: hot, cool, cold or archive. Default: the account's.",
      example: "cool",
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
        "Block size of large uploads, in bytes or with a unit (8MiB, 16MB). Files above it are sent in blocks. Default: 8MiB.",
      example: "16MiB",
    },
  ),
  concurrency: setting(z.number().int().min(1).max(1000).default(16), {
    description: "Files hashed, uploaded or downloaded at once.",
    example: 32,
  }),
};

/** The settings' shape, for typing. */
export type AzureBlobSettingsShape = typeof settings;

/** The decoded settings a run receives (before the runtime's common settings are merged in). */
export type AzureBlobSettings = z.output<z.ZodObject<AzureBlobSettingsShape>>;
