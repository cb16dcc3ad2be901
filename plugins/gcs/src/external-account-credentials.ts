/** What plugins/gcs's OIDC settings name: a workload identity pool provider and a service account. */
export interface WorkloadIdentity {
  /** `project_number`: the number (not the id) of the project that holds the pool. */
  projectNumber: string;
  /** `pool_id` */
  poolId: string;
  /** `provider_id` */
  providerId: string;
  /** `service_account_email`: the service account impersonated after the token exchange. */
  serviceAccountEmail: string;
}

/**
 * The `external_account` credentials JSON (what `gcloud iam workload-identity-pools
 * create-cred-config` writes) for plugins/gcs's OIDC settings: the OIDC token in `subjectTokenFile`
 * is exchanged at Google's STS for a federated token (subject token type `id_token`, as the Go
 * plugin sends it), which then impersonates the service account through IAM Credentials —
 * the two calls drone-gcs makes by hand in `internal/gcp/tokenutil.go`. Google's auth library
 * refreshes both when they expire.
 */
export function externalAccountCredentials(
  identity: WorkloadIdentity,
  subjectTokenFile: string,
): Record<string, unknown> {
  const audience = `//iam.googleapis.com/projects/${identity.projectNumber}/locations/global/workloadIdentityPools/${identity.poolId}/providers/${identity.providerId}`;
  return {
    type: "external_account",
    audience,
    subject_token_type: "urn:ietf:params:oauth:token-type:id_token",
    token_url: "https://sts.googleapis.com/v1/token",
    service_account_impersonation_url: `https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/${identity.serviceAccountEmail}:generateAccessToken`,
    credential_source: { file: subjectTokenFile },
  };
}
