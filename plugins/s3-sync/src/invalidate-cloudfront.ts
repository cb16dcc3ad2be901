import { randomUUID } from "node:crypto";
import { CloudFrontClient, CreateInvalidationCommand } from "@aws-sdk/client-cloudfront";
import { SpotkitError } from "@spotkit/runtime";
import type { ResolvedS3Credentials } from "@spotkit/storage/s3";

/** What {@link invalidateCloudFront} needs. */
export interface CloudFrontInvalidationRequest {
  /** The distribution's id (`E1ABCDEFGHIJ`). */
  distributionId: string;
  /** The path to invalidate, as {@link invalidationPath} makes it. */
  path: string;
  /** The credentials the sync itself used. */
  credentials: ResolvedS3Credentials["credentials"];
  /** CloudFront's endpoint (a local server in tests); unset: AWS's global one. */
  endpoint?: string | undefined;
  /** Tries per request, the first included; throttling and 5xx are retried. @default 5 */
  maxAttempts?: number | undefined;
  signal?: AbortSignal | undefined;
}

/**
 * The path plugins/s3-sync invalidates after a sync: everything under the target, `/<target>/*`
 * (`/*` for the bucket's root). Each segment is percent-encoded, as CloudFront wants non-ASCII and
 * unsafe characters.
 */
export function invalidationPath(target: string): string {
  const segments = target
    .split("/")
    .filter((segment) => segment !== "")
    .map(encodeURIComponent);
  return segments.length === 0 ? "/*" : `/${segments.join("/")}/*`;
}

/**
 * Asks CloudFront to invalidate one path of a distribution, as plugins/s3-sync does once every file
 * is synced, and returns the invalidation's id. It does not wait for CloudFront to finish, which
 * takes minutes.
 *
 * @throws {SpotkitError} `E_CLOUDFRONT` naming the distribution and what to check.
 */
export async function invalidateCloudFront(
  request: CloudFrontInvalidationRequest,
): Promise<string> {
  const client = new CloudFrontClient({
    // CloudFront is global; AWS signs its requests for us-east-1 whatever the bucket's region.
    region: "us-east-1",
    credentials: request.credentials,
    retryMode: "standard",
    maxAttempts: request.maxAttempts ?? 5,
    ...(request.endpoint === undefined ? {} : { endpoint: request.endpoint }),
  });
  try {
    const output = await client.send(
      new CreateInvalidationCommand({
        DistributionId: request.distributionId,
        InvalidationBatch: {
          // Unique per request: CloudFront treats a repeated reference as the same invalidation.
          CallerReference: `spotkit-${randomUUID()}`,
          Paths: { Quantity: 1, Items: [request.path] },
        },
      }),
      request.signal === undefined ? {} : { abortSignal: request.signal },
    );
    return output.Invalidation?.Id ?? "";
  } catch (error) {
    request.signal?.throwIfAborted();
    throw describeFailure(error, request);
  } finally {
    client.destroy();
  }
}

function describeFailure(error: unknown, request: CloudFrontInvalidationRequest): SpotkitError {
  const name = (error as { name?: string } | undefined)?.name ?? "";
  const said = error instanceof Error ? error.message : String(error);
  const distribution = JSON.stringify(request.distributionId);
  let advice: string;
  if (name === "NoSuchDistribution") {
    advice = `CloudFront has no distribution ${distribution}: check cloudfront_distribution (the id, such as E1ABCDEFGHIJ, not the domain name)`;
  } else if (name === "AccessDenied" || name === "InvalidClientTokenId") {
    advice = `the credentials may not invalidate ${distribution}: allow cloudfront:CreateInvalidation on it`;
  } else if (name === "TooManyInvalidationsInProgress") {
    advice = `${distribution} has too many invalidations in progress: run the step again once some have finished`;
  } else {
    advice = `invalidating ${distribution} failed`;
  }
  return new SpotkitError(
    "E_CLOUDFRONT",
    `The files were synced, but ${advice} (${name || "error"}: ${said}).`,
    { cause: error },
  );
}
