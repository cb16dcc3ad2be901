import { createHash } from "node:crypto";
import type { ObjectInfo } from "@spotkit/storage";
import { describe, expect, it } from "vitest";
import { sha256MetadataKey } from "./compare-content.js";
import { redirectMetadataKey } from "./compare-headers.js";
import { digestBytes } from "./digest-file.js";
import { needsHead, planUpload, type UploadItem } from "./plan-upload.js";
import type { ObjectHeaders } from "./resolve-object-headers.js";

const html: ObjectHeaders = { contentType: "text/html; charset=utf-8", metadata: {}, gzip: false };

function fileItem(key: string, content: string, headers: Partial<ObjectHeaders> = {}): UploadItem {
  const digest = digestBytes(content);
  return {
    key,
    file: { path: `/src/${key}`, name: key, size: digest.size },
    digest,
    headers: { ...html, ...headers },
  };
}

/** The listing entry of an object holding `content`, as S3 lists it (MD5 of single-part objects). */
function listed(key: string, content: string, fields: Partial<ObjectInfo> = {}): ObjectInfo {
  const digest = digestBytes(content);
  return { key, size: digest.size, md5: digest.md5, ...fields };
}

/** As S3 lists a multipart object: no MD5, no metadata. */
function listedMultipart(key: string, content: string): ObjectInfo {
  return { key, size: digestBytes(content).size, etag: "abc-3" };
}

/** The lower-case hex SHA-256 of `content`, as `spotkit-sha256` holds it. */
function sha256Of(content: string): string {
  return createHash("sha256").update(content).digest("hex");
}

describe("planUpload", () => {
  it("uploads new files and skips files whose MD5 matches", () => {
    const plan = planUpload(
      [fileItem("site/a.html", "a"), fileItem("site/b.html", "b")],
      [listed("site/b.html", "b")],
    );
    expect(plan.actions.map((action) => [action.type, action.key])).toEqual([
      ["upload", "site/a.html"],
      ["skip", "site/b.html"],
    ]);
    expect(plan.uploads[0]?.reason).toBe("new");
    expect(plan.skips[0]?.evidence).toBe("md5");
  });

  it("uploads on a size difference and on an MD5 difference", () => {
    const plan = planUpload(
      [fileItem("a", "longer"), fileItem("b", "same")],
      [listed("a", "short"), listed("b", "SAME")],
    );
    expect(plan.uploads.map((step) => [step.key, step.reason])).toEqual([
      ["a", "size"],
      ["b", "content"],
    ]);
  });

  it("compares spotkit-sha256 when the object has no MD5 (multipart)", () => {
    const same = fileItem("a", "content");
    const changed = fileItem("b", "CONTENT");
    const plan = planUpload(
      [same, changed],
      [
        {
          ...listedMultipart("a", "content"),
          metadata: { [sha256MetadataKey]: sha256Of("content") },
        },
        {
          ...listedMultipart("b", "content"),
          metadata: { [sha256MetadataKey]: sha256Of("content") },
        },
      ],
    );
    expect(plan.skips.map((step) => [step.key, step.evidence])).toEqual([["a", "sha256"]]);
    expect(plan.uploads.map((step) => [step.key, step.reason])).toEqual([["b", "content"]]);
  });

  it("uploads a same-size object that has no hash at all (uploaded by another tool)", () => {
    const plan = planUpload(
      [fileItem("a", "content")],
      [{ ...listedMultipart("a", "content"), metadata: {} }],
    );
    expect(plan.uploads[0]?.reason).toBe("unverifiable");
  });

  it("re-uploads when the listing shows other headers or metadata, and only then", () => {
    const item = fileItem("a", "x", { cacheControl: "max-age=60", metadata: { team: "web" } });
    const s3Listing = planUpload([item], [listed("a", "x")]);
    expect(s3Listing.skips).toHaveLength(1);

    const azureListing = planUpload(
      [item],
      [
        listed("a", "x", {
          contentType: html.contentType,
          cacheControl: "max-age=3600",
          metadata: { team: "web" },
        }),
      ],
    );
    expect(azureListing.uploads[0]).toMatchObject({ reason: "headers" });
    expect(azureListing.uploads[0]?.detail).toBe("Cache-Control max-age=3600 → max-age=60");

    const metadataChanged = planUpload(
      [item],
      [listed("a", "x", { metadata: { team: "ops", [sha256MetadataKey]: sha256Of("x") } })],
    );
    expect(metadataChanged.uploads[0]?.detail).toMatch(/^metadata/);

    const unchanged = planUpload(
      [item],
      [
        listed("a", "x", {
          contentType: "text/html;charset=UTF-8",
          cacheControl: "max-age=60",
          metadata: { team: "web", [sha256MetadataKey]: sha256Of("x") },
        }),
      ],
    );
    expect(unchanged.skips).toHaveLength(1);
  });

  it("treats a missing Cache-Control as unset once the headers are known", () => {
    const item = fileItem("a", "x", { cacheControl: "no-cache" });
    const plan = planUpload([item], [listed("a", "x", { contentType: html.contentType })]);
    expect(plan.uploads[0]?.detail).toBe("Cache-Control (none) → no-cache");
  });

  it("uploads everything with force", () => {
    const plan = planUpload([fileItem("a", "x"), fileItem("b", "y")], [listed("a", "x")], {
      force: true,
    });
    expect(plan.uploads.map((step) => step.reason)).toEqual(["forced", "new"]);
  });

  it("deletes only with delete, only under the prefix, never a wanted key", () => {
    const items = [fileItem("site/a", "a")];
    const remote = [listed("site/a", "a"), listed("site/old", "o"), listed("site2/x", "x")];
    expect(planUpload(items, remote).deletes).toEqual([]);
    const plan = planUpload(items, remote, { delete: true, prefix: "site/" });
    expect(plan.deletes.map((step) => step.key)).toEqual(["site/old"]);
  });

  it("lists every action in key order", () => {
    const plan = planUpload(
      [fileItem("c", "c"), fileItem("a", "a")],
      [listed("a", "a"), listed("b", "b")],
      { delete: true },
    );
    expect(plan.actions.map((action) => `${action.type} ${action.key}`)).toEqual([
      "skip a",
      "delete b",
      "upload c",
    ]);
  });

  it("checks a redirect's location through its metadata", () => {
    const redirect: UploadItem = {
      key: "old",
      redirect: "/new",
      digest: digestBytes(""),
      headers: { contentType: "application/octet-stream", metadata: {}, gzip: false },
    };
    const empty = listed("old", "");
    expect(needsHead(redirect, empty)).toBe(true);
    expect(planUpload([redirect], [empty]).uploads[0]?.reason).toBe("unverifiable");
    const same = { ...empty, metadata: { [redirectMetadataKey]: "/new" } };
    expect(needsHead(redirect, same)).toBe(false);
    expect(planUpload([redirect], [same]).skips).toHaveLength(1);
    const moved = { ...empty, metadata: { [redirectMetadataKey]: "/elsewhere" } };
    expect(planUpload([redirect], [moved]).uploads[0]?.detail).toBe("redirect /elsewhere → /new");
  });
});

describe("needsHead", () => {
  it("asks for a head only for same-size objects without MD5 and metadata", () => {
    const item = fileItem("a", "content");
    expect(needsHead(item, undefined)).toBe(false);
    expect(needsHead(item, listed("a", "content"))).toBe(false);
    expect(needsHead(item, listedMultipart("a", "other size"))).toBe(false);
    expect(needsHead(item, listedMultipart("a", "CONTENT"))).toBe(true);
    expect(needsHead(item, { ...listedMultipart("a", "CONTENT"), metadata: {} })).toBe(false);
    expect(needsHead(item, listedMultipart("a", "CONTENT"), { force: true })).toBe(false);
  });
});
