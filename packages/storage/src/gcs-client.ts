import { IdempotencyStrategy, Storage, type StorageOptions } from "@google-cloud/storage";
import { OAuth2Client } from "google-auth-library";
import { isRetryableGcsFailure } from "./gcs-errors.js";
import type { GcsStoreConfig } from "./gcs-store.js";
import { StorageError } from "./storage-error.js";

/** A configured @google-cloud/storage client and what the store needs to know about it. */
export interface GcsClient {
  storage: Storage;
  /**
   * True when requests go to a custom endpoint with credentials. The SDK authenticates JSON API
   * calls there (`useAuthWithCustomEndpoint`) but not the requests of a resumable upload, so the
   * store adds the authorization headers to uploads by hand.
   */
  authenticatesCustomEndpoint: boolean;
  /** What to check when GCS refuses the credential, naming the settings. */
  credentialHint: string;
  /** Credential values that must never appear in a message. */
  secrets: string[];
}

/** The endpoint the SDK uses when none is given. */
const googleEndpoint = "https://storage.googleapis.com";

/**
 * Builds the client of a GCS store. Credentials, the first one set winning: `token` (an OAuth 2.0
 * access token, sent as is), `credentials` (service-account JSON text; or env `GOOGLE_CREDENTIALS`),
 * `keyFilename` (or env `GOOGLE_APPLICATION_CREDENTIALS`), else application default credentials.
 *
 * @throws {StorageError} `E_STORAGE_AUTH` when `credentials` is not JSON; `E_STORAGE_REQUEST` for
 * `skipVerify`, which this client cannot honour.
 */
export function createGcsClient(config: GcsStoreConfig): GcsClient {
  if (config.skipVerify) {
    // The SDK's JSON API requests (teeny-request) take no per-client agent, so certificate checks
    // could only be turned off for the whole process; better to say so than to half do it.
    throw new StorageError(
      "E_STORAGE_REQUEST",
      "skip_verify is not supported for GCS: add the endpoint's CA certificate to NODE_EXTRA_CA_CERTS instead.",
    );
  }
  const env = config.env ?? {};
  const credentialsText = config.credentials ?? env.GOOGLE_CREDENTIALS;
  const keyFilename = config.keyFilename ?? env.GOOGLE_APPLICATION_CREDENTIALS;
  const token = config.token;
  const credentials = credentialsText === undefined ? undefined : parseCredentials(credentialsText);
  const apiEndpoint = config.apiEndpoint?.replace(/\/+$/, "");
  const customEndpoint = apiEndpoint !== undefined && apiEndpoint !== googleEndpoint;
  const hasCredentials = Boolean(token || credentials || keyFilename);
  const attempts = config.retry?.attempts ?? 5;
  const retryOptions: NonNullable<StorageOptions["retryOptions"]> = {
    autoRetry: true,
    maxRetries: Math.max(0, attempts - 1),
    retryDelayMultiplier: 2,
    maxRetryDelay: Math.max(1, Math.round((config.retry?.maxDelay ?? 30_000) / 1000)),
    totalTimeout: 600,
    // Every call the store makes is safe to repeat: uploads either create an object from the same
    // bytes or fail their ifGenerationMatch condition; deletes and copies converge.
    idempotencyStrategy: IdempotencyStrategy.RetryAlways,
    retryableErrorFn: isRetryableGcsFailure,
  };
  const projectId =
    config.projectId ?? credentials?.project_id ?? env.GOOGLE_CLOUD_PROJECT ?? env.GCLOUD_PROJECT;
  const options: StorageOptions = {
    retryOptions,
    ...(projectId ? { projectId } : {}),
    ...(apiEndpoint ? { apiEndpoint } : {}),
    ...(customEndpoint && hasCredentials ? { useAuthWithCustomEndpoint: true } : {}),
    ...(!token && credentials ? { credentials } : {}),
    ...(!token && !credentials && keyFilename ? { keyFilename } : {}),
  };
  const storage = new Storage(options);
  if (token) {
    storage.authClient.cachedCredential = accessTokenClient(token);
  }
  return {
    storage,
    authenticatesCustomEndpoint: customEndpoint && hasCredentials,
    credentialHint: token
      ? "check the token: it must be a valid OAuth 2.0 access token (they expire after an hour) with access to the bucket"
      : credentials
        ? "check token/json_key (the service-account JSON) and that the service account has a role such as roles/storage.objectAdmin on the bucket"
        : keyFilename
          ? "check the key file GOOGLE_APPLICATION_CREDENTIALS points to and that its service account has a role such as roles/storage.objectAdmin on the bucket"
          : "no token or json_key is set, so application default credentials were used: set token/json_key, or check workload identity / gcloud auth application-default login",
    secrets: [token, credentialsText, credentials?.private_key].filter(
      (value): value is string => typeof value === "string" && value !== "",
    ),
  };
}

// --- internal ---

interface ServiceAccountKey {
  project_id?: string;
  private_key?: string;
  client_email?: string;
  [field: string]: unknown;
}

function parseCredentials(text: string): ServiceAccountKey {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Never quote the text: it is a private key.
    throw new StorageError(
      "E_STORAGE_AUTH",
      "The GCS credentials (token/json_key) are not JSON: pass the service-account key file's content.",
    );
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new StorageError(
      "E_STORAGE_AUTH",
      "The GCS credentials (token/json_key) must be a JSON object: the service-account key file's content.",
    );
  }
  return parsed as ServiceAccountKey;
}

/** An OAuth2 client that sends `token` as is and never tries to refresh it. */
function accessTokenClient(token: string): NonNullable<Storage["authClient"]["cachedCredential"]> {
  const client = new OAuth2Client();
  client.setCredentials({ access_token: token });
  return client as unknown as NonNullable<Storage["authClient"]["cachedCredential"]>;
}
