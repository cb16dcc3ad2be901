import { Buffer } from "node:buffer";

/** The text that replaces every occurrence of a secret. */
export const SECRET_MASK = "******";

/**
 * Values shorter than this are not masked: masking every `a` or `1` would destroy the log.
 * Drone's runner skips them for the same reason.
 */
const minimumSecretLength = 2;

/**
 * How long a line may grow in the masking writer before its settled part is emitted anyway.
 * Without this limit, a child that prints megabytes without a newline would be held in memory.
 */
const maximumPendingLength = 64 * 1024;

/**
 * Masks `text` up to the point where no later input can change the result, and returns the
 * remainder. Assigned inside {@link SecretMasker}'s static block so the writer can reach the
 * masker's private pattern without it becoming public API.
 */
let maskSettled: (masker: SecretMasker, text: string) => { masked: string; rest: string };

/**
 * Replaces registered secrets, and the forms they commonly take in logs, with {@link SECRET_MASK}.
 *
 * Each secret is masked as its value; as each of its lines (split at `\n` or `\r`), trimmed, when
 * it spans several lines (so a key printed line by line is still hidden); as its base64 form
 * (standard, unpadded and base64url); and as its URL-encoded form (`encodeURIComponent` and
 * `application/x-www-form-urlencoded`).
 *
 * Text made only of `*` characters that fits inside the mask is never treated as a secret: it
 * cannot be told apart from the mask itself, and masking it would grow the text on every pass.
 *
 * @example
 * ```ts
 * const masker = new SecretMasker();
 * masker.add(settings.token);
 * process.stdout.write(masker.mask(`token is ${settings.token}\n`)); // token is ******
 * ```
 */
export class SecretMasker {
  readonly #values = new Set<string>();
  readonly #forms = new Set<string>();
  /** Rebuilt lazily so that adding many secrets in a row compiles the pattern once. */
  #pattern: RegExp | undefined;
  #maxFormLength = 0;

  static {
    maskSettled = (masker, text) => masker.#maskSettled(text);
  }

  /**
   * Registers a secret. Values shorter than 2 characters are ignored; adding a value twice does
   * nothing.
   */
  add(value: string): void {
    if (typeof value !== "string" || value.length < minimumSecretLength) return;
    if (this.#values.has(value)) return;
    this.#values.add(value);
    for (const form of formsOf(value)) {
      if (form.length < minimumSecretLength || SECRET_MASK.includes(form)) continue;
      if (this.#forms.has(form)) continue;
      this.#forms.add(form);
      this.#maxFormLength = Math.max(this.#maxFormLength, form.length);
      this.#pattern = undefined;
    }
  }

  /** Returns `text` with every occurrence of a registered form replaced by {@link SECRET_MASK}. */
  mask(text: string): string {
    const pattern = this.#getPattern();
    if (pattern === undefined || text.length < minimumSecretLength) return text;
    return text.replace(pattern, SECRET_MASK);
  }

  /**
   * The length of the longest registered form, 0 when nothing is registered. A streaming consumer
   * must hold back this many characters minus one before it can be sure no secret is cut in two.
   */
  get maxFormLength(): number {
    return this.#maxFormLength;
  }

  #getPattern(): RegExp | undefined {
    if (this.#forms.size === 0) return undefined;
    if (this.#pattern === undefined) {
      // A regex alternation takes the first alternative that matches at a position, so ordering the
      // forms longest first makes `secret-extended` win over `secret` where both match.
      const alternatives = [...this.#forms]
        .sort((left, right) => right.length - left.length)
        .map(escapeRegExp);
      this.#pattern = new RegExp(alternatives.join("|"), "g");
    }
    return this.#pattern;
  }

  #maskSettled(text: string): { masked: string; rest: string } {
    const pattern = this.#getPattern();
    if (pattern === undefined) return { masked: text, rest: "" };
    // A match that starts before `settledEnd` had every character the longest form could need, so
    // more input cannot change it. A match that starts later might still grow into a longer form.
    const settledEnd = text.length - (this.#maxFormLength - 1);
    let masked = "";
    let position = 0;
    pattern.lastIndex = 0;
    for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
      if (match.index >= settledEnd) break;
      masked += text.slice(position, match.index) + SECRET_MASK;
      position = match.index + match[0].length;
    }
    pattern.lastIndex = 0;
    // Cutting at the end of the last settled match, or at `settledEnd` when that lies further on,
    // never splits a match, so scanning the rest later gives the same result as scanning it now.
    const end = Math.max(position, settledEnd);
    masked += text.slice(position, end);
    return { masked, rest: text.slice(end) };
  }
}

/** The masking stream returned by {@link createMaskingWriter}. */
export interface MaskingWriter {
  /** Accepts the next chunk of output; bytes are decoded as UTF-8. */
  write(chunk: string | Uint8Array): void;
  /** Emits whatever is still held back, masked. Call it once the stream has ended. */
  flush(): void;
}

/**
 * Wraps `write` so that text passing through it is masked, for output that arrives in arbitrary
 * chunks (a child process's stdout).
 *
 * Complete lines are emitted as soon as they arrive; a line ends with `\n` or `\r`, so a progress
 * bar redrawn with `\r` shows live. The unfinished last line is held back until its end arrives,
 * so a secret split across two chunks is still recognised. When a line grows beyond 64 KiB
 * without an end, everything that can no longer be part of a secret is emitted and only the last
 * `maxFormLength - 1` characters (or the secret that overlaps them) are held.
 * Bytes are decoded with a streaming UTF-8 decoder, so characters split across chunks survive.
 */
export function createMaskingWriter(
  masker: SecretMasker,
  write: (text: string) => void,
): MaskingWriter {
  // `ignoreBOM` keeps the output byte-faithful: the decoder would otherwise drop a leading BOM.
  const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
  let pending = "";

  const emit = (text: string): void => {
    if (text.length > 0) write(text);
  };

  return {
    write(chunk) {
      // A string after bytes ends the byte stream: an incomplete character becomes U+FFFD rather
      // than swallowing the start of the string.
      const text =
        typeof chunk === "string"
          ? decoder.decode() + chunk
          : decoder.decode(chunk, { stream: true });
      if (text.length === 0) return;
      // `\r` ends a line too: progress bars redraw with it and must show before their last `\n`.
      // Searching only the new text keeps many small writes linear.
      const lineEnd = Math.max(text.lastIndexOf("\n"), text.lastIndexOf("\r"));
      if (lineEnd >= 0) {
        const complete = pending + text.slice(0, lineEnd + 1);
        pending = text.slice(lineEnd + 1);
        emit(masker.mask(complete));
      } else {
        pending += text;
      }
      if (pending.length > maximumPendingLength) {
        const { masked, rest } = maskSettled(masker, pending);
        pending = rest;
        emit(masked);
      }
    },
    flush() {
      const text = pending + decoder.decode();
      pending = "";
      emit(masker.mask(text));
    },
  };
}

/** The value itself, its trimmed lines, and its base64 and URL-encoded forms. */
function formsOf(value: string): string[] {
  const forms = [value];
  // Split where the masking writer may cut (`\n` as Drone does, and a bare `\r`), so each piece
  // of a multi-line secret is still masked when its lines are emitted one at a time.
  for (const line of value.split(/\r?\n|\r/)) forms.push(line.trim());
  const bytes = Buffer.from(value, "utf8");
  const base64 = bytes.toString("base64");
  forms.push(base64, base64.replace(/=+$/, ""), bytes.toString("base64url"));
  try {
    forms.push(encodeURIComponent(value));
  } catch {
    // A lone surrogate cannot be URL-encoded, so no URL-encoded form of it can appear either.
  }
  // Form encoding differs from encodeURIComponent beyond `+` for space: it also encodes `!'()~`.
  forms.push(new URLSearchParams([["", value]]).toString().slice(1));
  return forms;
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, "\\$&");
}
