import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { type ArchiveErrorCode, isArchiveError } from "./archive-error.js";
import { TarValidator } from "./tar-validator.js";
import { type CraftedEntry, craftTar, tarHeader } from "./test-support/tar-builder.js";

const limits = { maxEntryBytes: 1024 ** 3, maxTotalBytes: 1024 ** 3 };

/** Runs a whole archive through a validator in the given chunk sizes; returns the bytes per mount. */
function validate(
  archive: Buffer,
  options: { mounts?: string[]; maxEntryBytes?: number; maxTotalBytes?: number } = {},
  chunkSizes: readonly number[] = [archive.length],
): { validator: TarValidator; out: Map<string, Buffer> } {
  const validator = new TarValidator({ ...limits, ...options });
  const pieces = new Map<string, Buffer[]>();
  let position = 0;
  let index = 0;
  while (position < archive.length) {
    const size = Math.max(1, chunkSizes[index % chunkSizes.length] as number);
    index += 1;
    for (const { mount, data } of validator.write(archive.subarray(position, position + size))) {
      pieces.set(mount, [...(pieces.get(mount) ?? []), Buffer.from(data)]);
    }
    position += size;
  }
  validator.end();
  return {
    validator,
    out: new Map([...pieces].map(([mount, list]) => [mount, Buffer.concat(list)])),
  };
}

function refusal(
  archive: Buffer,
  options: { mounts?: string[]; maxEntryBytes?: number; maxTotalBytes?: number } = {},
): ArchiveErrorCode | undefined {
  try {
    validate(archive, options);
  } catch (error) {
    if (isArchiveError(error)) return error.code;
    throw error;
  }
  return undefined;
}

const sample: CraftedEntry[] = [
  { name: "m/", type: "dir" },
  { name: "m/file", content: "x".repeat(1000) },
  { name: "m/empty" },
  { name: "m/link", type: "symlink", linkName: "file" },
  { name: "m/hard", type: "hardlink", linkName: "m/file" },
  { name: "x", gnuLongName: `m/${"long/".repeat(40)}name`, content: "long" },
  { name: "y", pax: { path: `m/${"pax/".repeat(40)}name`, mtime: "1.5" }, content: "pax" },
];

describe("TarValidator", () => {
  test("passes every byte through unchanged, however the stream is cut", () => {
    const archive = craftTar(sample);
    const endOfEntries = archive.length - 1024;
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 1500 }), { minLength: 1, maxLength: 20 }),
        (sizes) => {
          const { validator, out } = validate(archive, { mounts: ["m"] }, sizes);
          expect(out.get("m")?.equals(archive.subarray(0, endOfEntries))).toBe(true);
          expect(validator.entries).toBe(7);
          expect(validator.bytes).toBe(1000 + 4 + 3);
        },
      ),
      { numRuns: 200 },
    );
  });

  test("splits entries by mount and skips the folders above a mount", () => {
    const archive = craftTar([
      { name: "a/", type: "dir" },
      { name: "a/b/", type: "dir" },
      { name: "a/b/m/f", content: "1" },
      { name: "n/g", content: "2" },
    ]);
    const { validator, out } = validate(archive, { mounts: ["a/b/m", "n"] });
    expect([...validator.mounts]).toEqual(["a/b/m", "n"]);
    expect(validator.entries).toBe(2);
    expect(out.get("a/b/m")?.length).toBe(1024);
    expect(out.get("n")?.length).toBe(1024);
  });

  test("uses the first segment as mount when no mounts are given", () => {
    const { validator } = validate(
      craftTar([{ name: "./x/f" }, { name: "y" }, { name: "./", type: "dir" }]),
    );
    expect([...validator.mounts]).toEqual(["x", "y"]);
  });

  test("stops at the first zero block and ignores what follows", () => {
    const archive = Buffer.concat([craftTar([{ name: "m/f" }]), Buffer.from("trailing garbage")]);
    expect(validate(archive).validator.entries).toBe(1);
  });

  test("drops global pax headers instead of applying or passing them on", () => {
    const archive = craftTar([{ name: "m/f", content: "1" }]);
    const global = craftTar([{ name: "g", type: "g", content: "20 path=../../../x\n" }], {
      end: false,
    });
    const { out } = validate(Buffer.concat([global, archive]));
    expect(out.get("m")?.equals(archive.subarray(0, 1024))).toBe(true);
  });

  const hostile: [
    string,
    CraftedEntry[],
    { mounts?: string[]; maxEntryBytes?: number; maxTotalBytes?: number }?,
  ][] = [
    ["a ../ name (tar slip)", [{ name: "m/../../x" }]],
    ["a leading ../", [{ name: "../x" }]],
    ["an absolute name", [{ name: "/tmp/x" }]],
    ["a .. in the ustar prefix", [{ name: "x", prefix: ".." }]],
    ["a GNU long name with ..", [{ name: "m/ok", gnuLongName: "m/../../x" }]],
    ["a pax path override to ..", [{ name: "m/ok", pax: { path: "../x" } }]],
    ["a pax path with a NUL byte", [{ name: "m/ok", pax: { path: "m/ok\0/../../x" } }]],
    ["an entry outside the mounts", [{ name: "other/x" }], { mounts: ["m"] }],
    ["a file where only folders above a mount may be", [{ name: "a" }], { mounts: ["a/m"] }],
    [
      "a symlink that escapes, then a file through it",
      [
        { name: "m/link", type: "symlink", linkName: "../../outside" },
        { name: "m/link/evil", content: "x" },
      ],
    ],
    ["an absolute symlink", [{ name: "m/link", type: "symlink", linkName: "/etc" }]],
    [
      "a symlink into another mount",
      [{ name: "m/link", type: "symlink", linkName: "../n/x" }],
      { mounts: ["m", "n"] },
    ],
    [
      "a pax linkpath that escapes",
      [{ name: "m/link", type: "symlink", linkName: "ok", pax: { linkpath: "../../x" } }],
    ],
    [
      "a symlink that escapes through an earlier one",
      [
        { name: "m/self", type: "symlink", linkName: "." },
        { name: "m/up", type: "symlink", linkName: "self/.." },
      ],
    ],
    [
      "a symlink that escapes through a later one",
      [
        { name: "m/up", type: "symlink", linkName: "self/.." },
        { name: "m/self", type: "symlink", linkName: "." },
      ],
    ],
    [
      "a hard link outside its mount",
      [{ name: "n/f" }, { name: "m/h", type: "hardlink", linkName: "n/f" }],
    ],
    ["a hard link to ..", [{ name: "m/h", type: "hardlink", linkName: "../etc/passwd" }]],
    [
      "a hard link to a file not seen yet",
      [{ name: "m/h", type: "hardlink", linkName: "m/later" }, { name: "m/later" }],
    ],
    [
      "a hard link to a symlink",
      [
        { name: "m/deep/s", type: "symlink", linkName: "../x" },
        { name: "m/h", type: "hardlink", linkName: "m/deep/s" },
      ],
    ],
    ["a character device", [{ name: "m/dev", type: "char" }]],
    ["a block device", [{ name: "m/dev", type: "block" }]],
    ["a FIFO", [{ name: "m/fifo", type: "fifo" }]],
    ["a GNU sparse file", [{ name: "m/sparse", type: "S" }]],
    ["an unknown type", [{ name: "m/what", type: "Q" }]],
    ["a pax sparse record", [{ name: "m/f", pax: { "GNU.sparse.name": "../x" } }]],
    [
      "a huge base-256 size",
      [{ name: "m/f", sizeField: Buffer.from([0x80, ...Array(11).fill(0xff)]) }],
    ],
    ["an entry above maxEntryBytes", [{ name: "m/f", content: "12345" }], { maxEntryBytes: 4 }],
    [
      "a total above maxTotalBytes",
      [
        { name: "m/f", content: "123" },
        { name: "m/g", content: "123" },
      ],
      { maxTotalBytes: 5 },
    ],
    ["a long name above 64 KiB", [{ name: "m/f", gnuLongName: `m/${"x".repeat(70_000)}` }]],
  ];
  test.each(hostile)("refuses %s as hostile", (_name, entries, options) => {
    expect(refusal(craftTar(entries), options)).toBe("E_ARCHIVE_HOSTILE");
  });

  const corrupt: [string, Buffer][] = [
    ["a wrong header checksum", craftTar([{ name: "m/f", badChecksum: true }])],
    ["garbage", Buffer.from("this is not a tar archive at all, just text that goes on".repeat(20))],
    ["a size field that is no number", craftTar([{ name: "m/f", sizeField: Buffer.from("abc") }])],
    [
      "a malformed pax header",
      craftTar([{ name: "x", type: "x", content: "99 path=m/f\n" }, { name: "m/f" }]),
    ],
    ["a non-numeric pax size", craftTar([{ name: "m/f", pax: { size: "12a" } }])],
    [
      "two long names for one entry",
      craftTar([{ name: "m/f", gnuLongName: "m/a", pax: { path: "m/b" } }]),
    ],
    ["a folder with data", craftTar([{ name: "m/d", type: "dir", content: "data" }])],
    ["a long name followed by the end", craftTar([{ name: "x", type: "L", content: "m/f\0" }])],
  ];
  test.each(corrupt)("refuses %s as corrupt", (_name, archive) => {
    expect(refusal(archive)).toBe("E_ARCHIVE_CORRUPT");
  });

  test.each([
    ["in a header", craftTar([{ name: "m/f", content: "1" }]).subarray(0, 300)],
    ["in file data", craftTar([{ name: "m/f", content: "x".repeat(2000) }]).subarray(0, 1500)],
    ["before the end-of-archive block", craftTar([{ name: "m/f" }], { end: false })],
    ["when empty", Buffer.alloc(0)],
  ])("reports a stream that ends %s as truncated", (_name, archive) => {
    expect(refusal(archive)).toBe("E_ARCHIVE_TRUNCATED");
  });

  test("names the offending entry in its message", () => {
    let message = "";
    try {
      validate(craftTar([{ name: "m/ok" }, { name: "m/../../etc/cron.d/x" }]));
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('"m/../../etc/cron.d/x"');
    expect(message).toContain("`..` segment");
  });

  test("a header with all zeros but a checksum is a header, not the end", () => {
    const block = tarHeader({ name: "", typeFlag: "\0", size: 0, mode: 0, mtime: 0 });
    expect(refusal(Buffer.concat([block, Buffer.alloc(1024)]))).toBe("E_ARCHIVE_HOSTILE");
  });
});
