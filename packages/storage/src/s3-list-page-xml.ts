/** One page of ListObjectsV2, in the shape of the SDK's output (the fields the store reads). */
export interface ListPage {
  Contents: { Key: string; Size: number; LastModified?: Date; ETag?: string }[];
  CommonPrefixes: { Prefix: string }[];
  IsTruncated: boolean;
  NextContinuationToken?: string;
}

/** XML's predefined entities. */
const entities: Readonly<Record<string, string>> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
};

/**
 * Reads a ListObjectsV2 result (`<ListBucketResult>`): the keys, sizes, dates and ETags of its
 * objects, its common prefixes, and whether and where it continues. S3 writes this document in a
 * fixed, flat form (no attributes, comments or CDATA on these elements), so reading the few
 * elements it needs takes a fraction of a general parser's time.
 *
 * @returns undefined for anything it does not recognise: the caller then asks the SDK.
 */
export function readListPage(xml: string): ListPage | undefined {
  if (!/<ListBucketResult[\s>]/.test(xml) || /<!\[CDATA\[|<!--/.test(xml)) return undefined;
  const truncated = firstText(xml, "IsTruncated");
  if (truncated !== "true" && truncated !== "false") return undefined;
  const page: ListPage = { Contents: [], CommonPrefixes: [], IsTruncated: truncated === "true" };
  const token = firstText(xml, "NextContinuationToken");
  if (token !== undefined) page.NextContinuationToken = token;

  for (const [, body] of xml.matchAll(/<Contents>([\s\S]*?)<\/Contents>/g)) {
    const key = firstText(body as string, "Key");
    const size = firstText(body as string, "Size");
    if (key === undefined || size === undefined || !/^\d+$/.test(size)) return undefined;
    const object: ListPage["Contents"][number] = { Key: key, Size: Number(size) };
    const modified = firstText(body as string, "LastModified");
    if (modified !== undefined) {
      const date = new Date(modified);
      if (Number.isNaN(date.getTime())) return undefined;
      object.LastModified = date;
    }
    const etag = firstText(body as string, "ETag");
    if (etag !== undefined) object.ETag = etag;
    page.Contents.push(object);
  }
  for (const [, body] of xml.matchAll(/<CommonPrefixes>([\s\S]*?)<\/CommonPrefixes>/g)) {
    const prefix = firstText(body as string, "Prefix");
    if (prefix === undefined) return undefined;
    page.CommonPrefixes.push({ Prefix: prefix });
  }
  return page;
}

/** The decoded text of the first `<name>…</name>` in `xml`; `<name/>` is the empty string. */
function firstText(xml: string, name: string): string | undefined {
  const open = xml.indexOf(`<${name}>`);
  if (open === -1) return xml.includes(`<${name}/>`) ? "" : undefined;
  const start = open + name.length + 2;
  const end = xml.indexOf(`</${name}>`, start);
  return end === -1 ? undefined : decodeEntities(xml.slice(start, end));
}

function decodeEntities(text: string): string {
  if (!text.includes("&")) return text;
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-z]+);/g, (whole, entity: string) => {
    if (entity.startsWith("#x")) return String.fromCodePoint(Number.parseInt(entity.slice(2), 16));
    if (entity.startsWith("#")) return String.fromCodePoint(Number(entity.slice(1)));
    return entities[entity] ?? whole;
  });
}
