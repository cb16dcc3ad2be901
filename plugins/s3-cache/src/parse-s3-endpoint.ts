/** What an `endpoint` setting says: the server to talk to, and what it names besides. */
export interface S3EndpointInfo {
  /** The server's URL; undefined means AWS (the SDK picks the regional endpoint). */
  endpoint?: string;
  /** The bucket the URL names (AWS virtual-host or path-style URL, `s3://bucket`). */
  bucket?: string;
  /** The region the URL names (`bucket.s3.eu-west-1.amazonaws.com`). */
  region?: string;
  /** A folder inside the bucket the URL names (`s3://bucket/folder`, AWS path-style URL). */
  prefix?: string;
}

/** What {@link parseS3Endpoint} returns. */
export type ParsedS3Endpoint = { ok: true; value: S3EndpointInfo } | { ok: false; problem: string };

/**
 * Reads an S3 `endpoint` as plugins/s3-cache does, and as drone-cache does for everything else:
 *
 * - empty → AWS;
 * - `s3://bucket[/folder]` → AWS, that bucket (and folder);
 * - an AWS URL → AWS, with the bucket and region it names: virtual-host style
 *   `https://bucket.s3.region.amazonaws.com`, path style `https://s3.region.amazonaws.com/bucket`,
 *   the older `s3-region` and global `s3.amazonaws.com` spellings, dualstack, and China's
 *   `amazonaws.com.cn`;
 * - any other URL → that server (an S3-compatible one); `https://` is added when no scheme is
 *   given (`http://` with `disableSsl`), as drone-cache does.
 */
export function parseS3Endpoint(
  endpoint: string | undefined,
  options: { disableSsl?: boolean } = {},
): ParsedS3Endpoint {
  const text = endpoint?.trim() ?? "";
  if (text === "") return { ok: true, value: {} };
  const withScheme = text.includes("://")
    ? text
    : `${options.disableSsl ? "http" : "https"}://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return {
      ok: false,
      problem: `${JSON.stringify(text)} is not a URL: give http(s)://host[:port], a host such as minio.example.com:9000, or s3://bucket`,
    };
  }
  const pathSegments = url.pathname.split("/").filter((segment) => segment !== "");
  if (url.protocol === "s3:") {
    if (url.hostname === "") {
      return { ok: false, problem: "s3:// must be followed by the bucket: s3://my-bucket" };
    }
    return { ok: true, value: compact({ bucket: url.hostname, prefix: joinPrefix(pathSegments) }) };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return {
      ok: false,
      problem: `the scheme ${url.protocol} is not supported: use https://, http:// or s3://bucket`,
    };
  }
  const host = url.hostname.toLowerCase();
  const awsSuffix = [".amazonaws.com", ".amazonaws.com.cn"].find((suffix) => host.endsWith(suffix));
  if (awsSuffix === undefined) {
    // An S3-compatible server: the URL is used as given (its path is the server's, not a bucket).
    return { ok: true, value: { endpoint: withScheme.replace(/\/+$/, "") } };
  }
  return parseAwsHost(text, host.slice(0, -awsSuffix.length), pathSegments);
}

// --- internal ---

function parseAwsHost(
  text: string,
  subdomain: string,
  pathSegments: readonly string[],
): ParsedS3Endpoint {
  const labels = subdomain.split(".");
  // The service label: "s3", or the older "s3-<region>" and "s3-external-1" spellings.
  const serviceIndex = labels.findIndex((label) => label === "s3" || label.startsWith("s3-"));
  if (serviceIndex === -1) {
    return {
      ok: false,
      problem: `${JSON.stringify(text)} is an AWS host but not S3's: use https://s3.<region>.amazonaws.com, https://<bucket>.s3.<region>.amazonaws.com or s3://<bucket>`,
    };
  }
  const service = labels[serviceIndex] ?? "s3";
  const after = labels.slice(serviceIndex + 1).filter((label) => label !== "dualstack");
  let region: string | undefined;
  if (service.startsWith("s3-") && service !== "s3-external-1" && service !== "s3-accelerate") {
    region = service.slice("s3-".length);
  } else if (after.length === 1) {
    region = after[0];
  } else if (after.length > 1) {
    return {
      ok: false,
      problem: `${JSON.stringify(text)} is not an S3 host AWS documents: use https://<bucket>.s3.<region>.amazonaws.com`,
    };
  }
  if (serviceIndex > 0) {
    // Virtual-host style: bucket names may themselves contain dots.
    return {
      ok: true,
      value: compact({
        bucket: labels.slice(0, serviceIndex).join("."),
        region,
        prefix: joinPrefix(pathSegments),
      }),
    };
  }
  const [bucket, ...folder] = pathSegments;
  return { ok: true, value: compact({ bucket, region, prefix: joinPrefix(folder) }) };
}

function joinPrefix(segments: readonly string[]): string | undefined {
  return segments.length === 0 ? undefined : segments.join("/");
}

function compact<T extends object>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as T;
}
