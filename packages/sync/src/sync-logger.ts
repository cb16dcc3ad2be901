import type { Logger } from "@spotkit/runtime";

/**
 * What the sync logs through: `info` for what changes (and every step of a dry run), `debug` for
 * what stays, `warn` for what was skipped, and a byte progress report for transfers. A runtime
 * {@link Logger} fits as it is.
 */
export type SyncLogger = Pick<Logger, "info" | "debug" | "warn" | "progress">;
