import { mkdtemp, rename } from "node:fs/promises";
import { join } from "node:path";
import { removeTree } from "./remove-tree.js";

/** Prefix of the folders the replaced content of the mounts waits in until it is removed. */
export const previousFolderPrefix = ".spotkit-previous-";

/** One mount to move: its new content and where it goes. */
export interface MountMove {
  /** The extracted content (absolute path inside a private folder). */
  from: string;
  /** The mount's place (absolute path), replaced as a whole. */
  to: string;
}

/**
 * Replaces each mount by its extracted content with two renames in the mount's own folder (the old
 * content out of the way, the new one in), so that no mount is ever half old, half new. When a
 * rename fails, the mounts moved so far are put back as they were, and the error is thrown.
 * The replaced content is removed at the end; a failure to remove it is only reported.
 *
 * @param onWarning told about replaced content that could not be removed.
 */
export async function moveIntoPlace(
  moves: readonly MountMove[],
  onWarning: (message: string) => void,
): Promise<void> {
  const done: { move: MountMove; previous: string | undefined; movedIn: boolean }[] = [];
  const holders: string[] = [];
  try {
    for (const move of moves) {
      const folder = join(move.to, "..");
      const holder = await mkdtemp(join(folder, previousFolderPrefix));
      holders.push(holder);
      let previous: string | undefined = join(holder, "content");
      try {
        await rename(move.to, previous);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
        previous = undefined;
      }
      const step = { move, previous, movedIn: false };
      done.push(step);
      await rename(move.from, move.to);
      step.movedIn = true;
    }
  } catch (error) {
    for (const { move, previous, movedIn } of done.reverse()) {
      if (movedIn) await rename(move.to, move.from).catch(() => {});
      if (previous !== undefined) await rename(previous, move.to).catch(() => {});
    }
    await Promise.all(holders.map((holder) => removeTree(holder).catch(() => {})));
    throw error;
  }
  for (const holder of holders) {
    await removeTree(holder).catch((error: unknown) =>
      onWarning(`Could not remove the replaced content in ${holder}: ${(error as Error).message}`),
    );
  }
}
