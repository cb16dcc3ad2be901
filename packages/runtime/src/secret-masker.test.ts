import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createMaskingWriter, SECRET_MASK, SecretMasker } from "./secret-masker.js";

function maskerWith(...secrets: string[]): SecretMasker {
  const masker = new SecretMasker();
  for (const secret of secrets) masker.add(secret);
  return masker;
}

/** Feeds `chunks` through a masking writer and returns everything it wrote, and each write. */
function runWriter(masker: SecretMasker, chunks: Array<string | Uint8Array>) {
  const writes: string[] = [];
  const writer = createMaskingWriter(masker, (text) => writes.push(text));
  for (const chunk of chunks) writer.write(chunk);
  writer.flush();
  return { output: writes.join(""), writes };
}

describe("SecretMasker", () => {
  it("masks every occurrence of a secret in plain text", () => {
    const masker = maskerWith("hunter2");
    expect(masker.mask("password=hunter2; again: hunter2")).toBe(
      `password=${SECRET_MASK}; again: ${SECRET_MASK}`,
    );
  });

  it("leaves text alone when nothing is registered", () => {
    expect(new SecretMasker().mask("nothing to hide")).toBe("nothing to hide");
  });

  it("ignores values shorter than two characters", () => {
    const masker = maskerWith("a", "");
    expect(masker.mask("a banana")).toBe("a banana");
    expect(masker.maxFormLength).toBe(0);
  });

  it("masks each trimmed line of a multi-line secret, but not lines shorter than two characters", () => {
    const masker = maskerWith("-----BEGIN KEY-----\r\n  abcdef123  \nx\n-----END KEY-----");
    const text = "line one abcdef123\nx marks the spot\n-----BEGIN KEY-----\n";
    expect(masker.mask(text)).toBe(`line one ${SECRET_MASK}\nx marks the spot\n${SECRET_MASK}\n`);
  });

  it("masks the whole multi-line value as one match when it appears intact", () => {
    const secret = "first-line\nsecond-line";
    expect(maskerWith(secret).mask(`before ${secret} after`)).toBe(`before ${SECRET_MASK} after`);
  });

  it("masks the padded, unpadded and URL-safe base64 forms", () => {
    const masker = maskerWith("s3cr3t>?~", "p@ss word!");
    // "s3cr3t>?~" encodes with `+`, which base64url turns into `-`.
    expect(masker.mask("std czNjcjN0Pj9+ url czNjcjN0Pj9-")).toBe(
      `std ${SECRET_MASK} url ${SECRET_MASK}`,
    );
    // "p@ss word!" encodes with padding, which is often stripped.
    expect(masker.mask("padded cEBzcyB3b3JkIQ== bare cEBzcyB3b3JkIQ.")).toBe(
      `padded ${SECRET_MASK} bare ${SECRET_MASK}.`,
    );
  });

  it("masks both URL-encoded forms", () => {
    const masker = maskerWith("p@ss word!");
    expect(masker.mask("https://host/?a=p%40ss%20word!&b=p%40ss+word%21")).toBe(
      `https://host/?a=${SECRET_MASK}&b=${SECRET_MASK}`,
    );
  });

  it("treats regular expression metacharacters literally", () => {
    const secret = "a.b*c(d)[e]{2}$^|\\/-+?";
    const masker = maskerWith(secret);
    expect(masker.mask(`x${secret}y`)).toBe(`x${SECRET_MASK}y`);
    // If `.` or `*` were not escaped these would match too.
    expect(masker.mask("aXb*c(d)[e]{2}$^|\\/-+? abbbc(d)")).toBe(
      "aXb*c(d)[e]{2}$^|\\/-+? abbbc(d)",
    );
  });

  it("prefers the longest secret where two overlap", () => {
    const masker = maskerWith("token", "token-extended");
    expect(masker.mask("a token-extended b token c")).toBe(`a ${SECRET_MASK} b ${SECRET_MASK} c`);
    // Registering the longer one first must give the same result.
    expect(maskerWith("token-extended", "token").mask("token-extended")).toBe(SECRET_MASK);
  });

  it("masks secrets added after the first use", () => {
    const masker = maskerWith("first-secret");
    expect(masker.mask("first-secret second-secret")).toBe(`${SECRET_MASK} second-secret`);
    masker.add("second-secret");
    expect(masker.mask("first-secret second-secret")).toBe(`${SECRET_MASK} ${SECRET_MASK}`);
  });

  it("is idempotent: masking masked text changes nothing", () => {
    const masker = maskerWith("hunter2", "ab", "**", "a*b");
    const once = masker.mask("ab hunter2 **** a*b xab");
    expect(masker.mask(once)).toBe(once);
    expect(once).not.toContain("hunter2");
  });

  it("does not register forms that are part of the mask itself", () => {
    const masker = maskerWith("***", "*******");
    expect(masker.mask("***")).toBe("***");
    expect(masker.mask("*******")).toBe(SECRET_MASK);
    expect(masker.mask(masker.mask("*******"))).toBe(SECRET_MASK);
  });

  it("reports the longest registered form", () => {
    const masker = maskerWith("p@ss word!");
    // The longest form is the padded base64 one, longer than the encodeURIComponent one.
    expect(masker.maxFormLength).toBe("cEBzcyB3b3JkIQ==".length);
  });

  it("masks long text with many secrets", () => {
    const secrets = Array.from(
      { length: 200 },
      (_, index) => `secret-value-${index}-${"z".repeat(index % 17)}`,
    );
    const masker = maskerWith(...secrets);
    const filler = "lorem ipsum dolor sit amet ".repeat(40_000);
    const text = `${filler}${secrets[199]}${filler}${secrets[3]}`;
    const masked = masker.mask(text);
    expect(masked).toBe(`${filler}${SECRET_MASK}${filler}${SECRET_MASK}`);
  });

  // A secret containing `*` can legitimately reappear next to the mask (`*a` after `ab` → `******a`)
  // without revealing anything, so the property is stated for secrets without `*`.
  const secretArbitrary = (unit: "grapheme-ascii" | "binary") =>
    fc.string({ unit, minLength: 2, maxLength: 24 }).filter((secret) => !secret.includes("*"));

  it.each(["grapheme-ascii", "binary"] as const)(
    "never outputs a secret embedded in random text (%s)",
    (unit) => {
      fc.assert(
        fc.property(
          secretArbitrary(unit),
          fc.array(fc.string({ unit, maxLength: 30 }), { minLength: 1, maxLength: 4 }),
          (secret, pieces) => {
            const masker = maskerWith(secret);
            const text = pieces.join(secret);
            const masked = masker.mask(`${text}${secret}`);
            expect(masked).not.toContain(secret);
            expect(masker.mask(masked)).toBe(masked);
          },
        ),
        { numRuns: 300 },
      );
    },
  );
});

describe("createMaskingWriter", () => {
  const encoder = new TextEncoder();

  it("masks a secret split across chunks", () => {
    const masker = maskerWith("my-secret-token");
    const { output, writes } = runWriter(masker, [
      "login my-sec",
      "ret-to",
      "ken ok\nnext ",
      "line",
    ]);
    expect(output).toBe(`login ${SECRET_MASK} ok\nnext line`);
    // Complete lines go out as soon as their newline arrives; the tail waits for flush.
    expect(writes).toEqual([`login ${SECRET_MASK} ok\n`, "next line"]);
  });

  it("emits text up to a carriage return at once, so progress bars redraw live", () => {
    const masker = maskerWith("s3cr3t-value");
    const writes: string[] = [];
    const writer = createMaskingWriter(masker, (text) => writes.push(text));
    writer.write("\rpull s3cr3t-value  10%\r");
    expect(writes).toEqual([`\rpull ${SECRET_MASK}  10%\r`]);
    writer.write("\rpull s3cr3t-val");
    writer.write("ue  55%\r");
    expect(writes.slice(1).join("")).toBe(`\rpull ${SECRET_MASK}  55%\r`);
    writer.write("\rpull s3cr3t-value 100%\n");
    expect(writes.slice(1).join("")).toBe(
      `\rpull ${SECRET_MASK}  55%\r\rpull ${SECRET_MASK} 100%\n`,
    );
  });

  it("masks each piece of a secret with carriage returns when the pieces arrive one by one", () => {
    const { output } = runWriter(maskerWith("first-part\rsecond-part"), [
      "a first-part\r",
      "second-part b\n",
    ]);
    expect(output).toBe(`a ${SECRET_MASK}\r${SECRET_MASK} b\n`);
  });

  it("decodes UTF-8 characters split across byte chunks", () => {
    const masker = maskerWith("pässwörd✓");
    const bytes = encoder.encode("héllo ✓ wörld pässwörd✓ 𝄞\n");
    const chunks = Array.from(bytes, (byte) => Uint8Array.of(byte));
    expect(runWriter(masker, chunks).output).toBe(`héllo ✓ wörld ${SECRET_MASK} 𝄞\n`);
  });

  it("keeps UTF-8 intact at arbitrary split points", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "binary", maxLength: 60 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        (text, cuts) => {
          const bytes = encoder.encode(text);
          const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort(
            (left, right) => left - right,
          );
          const chunks: Uint8Array[] = [];
          let start = 0;
          for (const point of [...points, bytes.length]) {
            chunks.push(bytes.subarray(start, point));
            start = point;
          }
          expect(runWriter(new SecretMasker(), chunks).output).toBe(text);
        },
      ),
    );
  });

  it("emits a long line without newline in bounded pieces and still masks across the cut", () => {
    const secret = "my-secret-token";
    const masker = maskerWith(secret);
    // The secret ends 10 characters before the end of a chunk that crosses the 64 KiB limit, so a
    // cut that only held back `maxFormLength` characters would split it in two.
    const first = `${"a".repeat(70_000)}${secret}${"b".repeat(10)}`;
    const writes: string[] = [];
    const writer = createMaskingWriter(masker, (text) => writes.push(text));
    writer.write(first);
    expect(writes.length).toBe(1);
    expect(writes[0]?.length).toBeGreaterThan(69_000);
    writer.write(`${"c".repeat(80_000)}${secret.slice(0, 7)}`);
    writer.write(`${secret.slice(7)}\n`);
    writer.flush();
    const output = writes.join("");
    expect(output).toBe(
      `${"a".repeat(70_000)}${SECRET_MASK}${"b".repeat(10)}${"c".repeat(80_000)}${SECRET_MASK}\n`,
    );
  });

  it("never outputs a single-line secret, whatever the chunking", () => {
    // `\r` ends a line for the writer as `\n` does, so a secret with either is a multi-line one,
    // masked line by line (and a line shorter than 2 characters, as in "\r\0", cannot be).
    fc.assert(
      fc.property(
        fc
          .string({ unit: "binary", minLength: 2, maxLength: 20 })
          .filter((secret) => !secret.includes("*") && !/[\r\n]/.test(secret)),
        fc.array(fc.string({ unit: "binary", maxLength: 40 }), { minLength: 1, maxLength: 4 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (secret, pieces, cuts) => {
          const text = pieces.join(secret) + secret;
          const points = [...new Set(cuts.map((cut) => cut % (text.length + 1)))].sort(
            (left, right) => left - right,
          );
          const chunks: string[] = [];
          let start = 0;
          for (const point of [...points, text.length]) {
            chunks.push(text.slice(start, point));
            start = point;
          }
          expect(runWriter(maskerWith(secret), chunks).output).not.toContain(secret);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("flushes an incomplete UTF-8 sequence as a replacement character", () => {
    const bytes = encoder.encode("ok ✓");
    expect(runWriter(new SecretMasker(), [bytes.subarray(0, bytes.length - 1)]).output).toBe(
      "ok \uFFFD",
    );
  });
});
