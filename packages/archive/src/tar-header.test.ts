import { describe, expect, test } from "vitest";
import { readHeaderBlock, readNumericField } from "./tar-header.js";
import { tarHeader } from "./test-support/tar-builder.js";

function field(bytes: number[] | string): Buffer {
  const block = Buffer.alloc(12);
  if (typeof bytes === "string") block.write(bytes, "latin1");
  else Buffer.from(bytes).copy(block);
  return block;
}

describe("readNumericField", () => {
  test("reads octal fields the way GNU tar does", () => {
    expect(readNumericField(field("00000000017\0"), 0, 12)).toBe(15);
    expect(readNumericField(field("   17 \0"), 0, 12)).toBe(15);
    expect(readNumericField(field("\u000017\0"), 0, 12)).toBe(15);
    expect(readNumericField(field("777777777777"), 0, 12)).toBe(8 ** 12 - 1);
    expect(readNumericField(field("17 junk"), 0, 12)).toBe(15);
  });

  test("reads base-256 fields, and reports values above 2^53 as Infinity", () => {
    expect(readNumericField(field([0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0]), 0, 12)).toBe(256);
    expect(readNumericField(field([0x80, ...Array(11).fill(0xff)]), 0, 12)).toBe(
      Number.POSITIVE_INFINITY,
    );
  });

  test("refuses fields tar would not read as a number", () => {
    expect(readNumericField(field(""), 0, 12)).toBeUndefined();
    expect(readNumericField(field("abc"), 0, 12)).toBeUndefined();
    expect(readNumericField(field("18"), 0, 12)).toBeUndefined();
    expect(readNumericField(field("+17"), 0, 12)).toBeUndefined();
    expect(readNumericField(field([0xff, 0xff]), 0, 12)).toBeUndefined();
  });
});

describe("readHeaderBlock", () => {
  test("reads name, prefix, link name, type and size", () => {
    const block = tarHeader({
      name: "file",
      prefix: "some/folder",
      typeFlag: "2",
      size: 0,
      linkName: "target",
    });
    expect(readHeaderBlock(block)).toEqual({
      kind: "header",
      header: { name: "some/folder/file", linkName: "target", type: "2", size: 0 },
    });
  });

  test("ignores the prefix area of GNU-format headers, as GNU tar does", () => {
    const block = tarHeader({
      name: "file",
      prefix: "elsewhere",
      typeFlag: "0",
      size: 3,
      gnuMagic: true,
    });
    expect(readHeaderBlock(block)).toMatchObject({
      kind: "header",
      header: { name: "file", size: 3 },
    });
  });

  test("tells zero blocks and wrong checksums apart", () => {
    expect(readHeaderBlock(Buffer.alloc(512))).toEqual({ kind: "zero" });
    const block = tarHeader({ name: "file", typeFlag: "0", size: 0, badChecksum: true });
    expect(readHeaderBlock(block)).toEqual({ kind: "bad-checksum" });
  });

  test("accepts the signed checksum of old Sun tars", () => {
    const block = tarHeader({ name: "fïle", typeFlag: "0", size: 0 });
    let signed = 0;
    block.fill(0x20, 148, 156);
    for (const byte of block) signed += byte >= 0x80 ? byte - 256 : byte;
    block.write(`${signed.toString(8).padStart(6, "0")}\0 `, 148, "latin1");
    expect(readHeaderBlock(block).kind).toBe("header");
  });
});
