import { createHash } from "node:crypto";
import type { ObjectInfo } from "@spotkit/storage";
import { describe, expect, it } from "vitest";
import { sha256MetadataKey } from "./compare-content.js";
import { digestBytes } from "./digest-file.js";
import {
  type DownloadItem,
  type LocalEntry,
  needsDownloadHead,
  planDownload,
} from "./plan-download.js";

function item(
  relativePath: string,
  content: string,
  fields: Partial<ObjectInfo> = {},
): DownloadItem {
  const digest = digestBytes(content);
  const key = `site/${relativePath}`;
  return {
    key,
    relativePath,
    path: `/out/${relativePath}`,
    remote: { key, size: digest.size, md5: digest.md5, ...fields },
  };
}

function local(relativePath: string, content: string, isFile = true): LocalEntry {
  return { path: `/out/${relativePath}`, relativePath, ...digestBytes(content), isFile };
}

/** The lower-case hex SHA-256 of `content`, as `spotkit-sha256` holds it. */
function sha256Of(content: string): string {
  return createHash("sha256").update(content).digest("hex");
}

describe("planDownload", () => {
  it("downloads missing and changed files and keeps equal ones", () => {
    const plan = planDownload(
      [item("a", "a"), item("b", "b"), item("c", "c"), item("d", "dd")],
      [local("b", "b"), local("c", "C"), local("d", "d")],
    );
    expect(plan.actions.map((action) => [action.type, action.relativePath])).toEqual([
      ["download", "a"],
      ["skip", "b"],
      ["download", "c"],
      ["download", "d"],
    ]);
    expect(plan.downloads.map((step) => step.reason)).toEqual(["new", "content", "size"]);
  });

  it("compares spotkit-sha256 when the object has no MD5, and downloads when nothing proves equality", () => {
    const withSha = item("a", "x", {
      md5: undefined,
      metadata: { [sha256MetadataKey]: sha256Of("x") },
    });
    const withoutHash = item("b", "y", { md5: undefined, metadata: {} });
    const plan = planDownload([withSha, withoutHash], [local("a", "x"), local("b", "y")]);
    expect(plan.skips.map((step) => [step.relativePath, step.evidence])).toEqual([["a", "sha256"]]);
    expect(plan.downloads.map((step) => [step.relativePath, step.reason])).toEqual([
      ["b", "unverifiable"],
    ]);
  });

  it("replaces a symbolic link or special file instead of comparing it", () => {
    const plan = planDownload([item("a", "x")], [local("a", "x", false)]);
    expect(plan.downloads[0]?.reason).toBe("new");
  });

  it("deletes local files missing from the store only with delete", () => {
    const locals = [local("a", "a"), local("extra", "e"), local("link", "", false)];
    expect(planDownload([item("a", "a")], locals).deletes).toEqual([]);
    const plan = planDownload([item("a", "a")], locals, { delete: true });
    expect(plan.deletes.map((step) => step.relativePath)).toEqual(["extra", "link"]);
  });
});

describe("needsDownloadHead", () => {
  it("asks for a head only for same-size files whose object shows no hash", () => {
    const multipart = item("a", "x", { md5: undefined });
    expect(needsDownloadHead(multipart, local("a", "y"))).toBe(true);
    expect(needsDownloadHead(multipart, local("a", "longer"))).toBe(false);
    expect(needsDownloadHead(multipart, undefined)).toBe(false);
    expect(needsDownloadHead(multipart, local("a", "y", false))).toBe(false);
    expect(needsDownloadHead(item("a", "x"), local("a", "y"))).toBe(false);
  });
});
