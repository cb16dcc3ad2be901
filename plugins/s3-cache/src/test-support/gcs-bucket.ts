/**
 * Creates a bucket in the GCS fake through the JSON API (`POST /storage/v1/b`), as
 * `gcloud storage buckets create` would; the store interface has no such call.
 */
export async function createBucket(endpoint: string, name: string, token?: string): Promise<void> {
  const response = await fetch(`${endpoint}/storage/v1/b?project=spotkit-test`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ name }),
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) {
    throw new Error(
      `Creating the bucket ${name} failed: HTTP ${response.status} ${await response.text()}`,
    );
  }
}
