import { writeFile } from "node:fs/promises";
import { SpotkitError } from "./spotkit-error.js";

/**
 * A Drone adaptive card: a template and the data it renders (docs.drone.io/plugins/adaptive_cards).
 * Drone shows it on the step's page; it needs Drone server ≥ 2.6.0 and docker runner ≥ 1.8.0.
 */
export interface Card {
  /** The URL of the card template, for example `https://drone-plugins.github.io/drone-docker/card.json`. */
  schema: string;
  /** The data the template renders; anything `JSON.stringify` accepts. */
  data: unknown;
}

/** Options of {@link writeCard}. */
export interface WriteCardOptions {
  /** The environment to read `DRONE_CARD_PATH` from (normally `process.env`). */
  env: Record<string, string | undefined>;
  /** The card to write. */
  card: Card;
  /** Writes to the step's standard output; used when `DRONE_CARD_PATH` is `/dev/stdout`. */
  stdout: (text: string) => void;
  /**
   * Writes to the step's standard error; used when `DRONE_CARD_PATH` is `/dev/stderr`.
   * @default stdout, which Drone's log scanner reads just the same
   */
  stderr?: (text: string) => void;
}

/**
 * Writes an adaptive card where `DRONE_CARD_PATH` says, as drone-plugins/drone-docker's card.go does:
 * `/dev/stdout` (what the docker runner sets) prints `ESC]1338;` + base64(JSON) + `ESC]0m` and a
 * newline, which the runner picks out of the log; any other path gets the JSON itself. Does nothing
 * when `DRONE_CARD_PATH` is unset or empty, which is the case outside Drone.
 *
 * @throws SpotkitError `E_CARD_INVALID` when the card cannot be written as JSON;
 * `E_CARD_WRITE_FAILED` when the file cannot be written.
 */
export async function writeCard(options: WriteCardOptions): Promise<void> {
  const path = options.env.DRONE_CARD_PATH;
  if (path === undefined || path === "") return;
  const json = serializeCard(options.card);
  if (path === "/dev/stdout" || path === "/dev/stderr") {
    const write = path === "/dev/stderr" ? (options.stderr ?? options.stdout) : options.stdout;
    write(`\u001b]1338;${Buffer.from(json, "utf8").toString("base64")}\u001b]0m\n`);
    return;
  }
  try {
    await writeFile(path, json, { encoding: "utf8", mode: 0o644 });
  } catch (error) {
    throw new SpotkitError(
      "E_CARD_WRITE_FAILED",
      `Cannot write the card to DRONE_CARD_PATH=${path}: ${error instanceof Error ? error.message : String(error)}. Check that its folder exists and is writable.`,
      { cause: error },
    );
  }
}

/** `{"schema": …, "data": …}`, the JSON of drone-go's CardInput. */
function serializeCard(card: Card): string {
  if (typeof card?.schema !== "string" || card.schema === "") {
    throw new SpotkitError(
      "E_CARD_INVALID",
      "The card has no schema: set `schema` to the URL of its template (for example https://drone-plugins.github.io/drone-docker/card.json).",
    );
  }
  try {
    // CardInput.Data is a json.RawMessage, which Go writes as null when it is empty.
    return JSON.stringify({ schema: card.schema, data: card.data ?? null });
  } catch (error) {
    throw new SpotkitError(
      "E_CARD_INVALID",
      `The card's data cannot be written as JSON (${error instanceof Error ? error.message : String(error)}). Pass plain objects, arrays, strings, numbers and booleans.`,
      { cause: error },
    );
  }
}
