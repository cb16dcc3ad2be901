import { expect } from "vitest";
import { SpotkitError } from "../spotkit-error.js";

/** Awaits a promise that must reject with a {@link SpotkitError} of the given code; returns it. */
export async function expectSpotkitError(
  promise: Promise<unknown>,
  code: string,
): Promise<SpotkitError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(
    SpotkitError.isInstance(error),
    `expected a SpotkitError ${code}, got ${String(error)}`,
  ).toBe(true);
  expect((error as SpotkitError).code).toBe(code);
  return error as SpotkitError;
}
