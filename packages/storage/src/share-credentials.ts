import type { S3ClientConfig } from "@aws-sdk/client-s3";

/** A function that fetches credentials, as the SDK's `from…` helpers return. */
export type CredentialProvider = Extract<
  NonNullable<S3ClientConfig["credentials"]>,
  (...args: never[]) => unknown
>;

type Identity = Awaited<ReturnType<CredentialProvider>>;

/** Credentials this close to their expiry are fetched again. */
const refreshBeforeExpiry = 5 * 60 * 1000;

/**
 * Wraps a credential provider so that every client given it shares one set of credentials: the
 * first call fetches them (an STS AssumeRole, a web identity exchange, the instance metadata…),
 * later calls get the same ones until five minutes before they expire or a client asks for a
 * refresh (`forceRefresh`). A failed fetch is not kept. Each SDK client memoizes its provider on
 * its own, so without this a second client (CloudFront beside S3) would assume the role again.
 */
export function shareCredentials(provider: CredentialProvider): CredentialProvider {
  let shared: Promise<Identity> | undefined;
  const usable = (identity: Identity | undefined): identity is Identity =>
    identity !== undefined &&
    (identity.expiration === undefined ||
      identity.expiration.getTime() - Date.now() > refreshBeforeExpiry);
  return async (options) => {
    const forceRefresh = (options as { forceRefresh?: boolean } | undefined)?.forceRefresh;
    if (shared !== undefined && forceRefresh !== true) {
      const identity = await shared.catch(() => undefined);
      if (usable(identity)) return identity;
    }
    const fetching = provider(options);
    shared = fetching;
    fetching.catch(() => {
      if (shared === fetching) shared = undefined;
    });
    return fetching;
  };
}
