/**
 * Creates a bucket in the GCS fake (`startGcsFake()`) through the JSON API
 * (`POST /storage/v1/b?project=spotkit-test`), as `gcloud storage buckets create` would: the
 * object store interface the plugins use has no such call.
 *
 * Rejects unless the fake answers 2xx (an existing bucket gets 409).
 * @param endpoint the fake's `GcsPeer.endpoint`, `http://127.0.0.1:<port>`.
 * @param name the bucket to create.
 * @param token sent as `Authorization: Bearer <token>`; needed when the fake was started with
 * `requireToken`. @default no `Authorization` header
 */
export async function createGcsFakeBucket(
  endpoint: string,
  name: string,
  token?: string,
): Promise<void> {
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
