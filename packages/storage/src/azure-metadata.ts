import { StorageError } from "./storage-error.js";

/** What an Azure metadata name must look like once mapped: a C# identifier, lower-case here. */
const azureMetadataName = /^[a-z_][a-z0-9_]*$/;

/**
 * Turns user metadata into Azure metadata. Azure metadata names must be C# identifiers (letters,
 * digits and `_`, not starting with a digit), so `-` cannot be stored: every `-` is written as `_`
 * (`spotkit-sha256` becomes `spotkit_sha256`) and {@link fromAzureMetadata} reads every `_` back
 * as `-`. A name written with `_` therefore reads back with `-`; names are lower-cased like every
 * other store does.
 *
 * @throws {StorageError} `E_STORAGE_REQUEST` naming the key when a name has any other character.
 */
export function toAzureMetadata(
  metadata: Record<string, string> | undefined,
): Record<string, string> | undefined {
  if (metadata === undefined) {
    return undefined;
  }
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(metadata)) {
    const azureName = name.toLowerCase().replaceAll("-", "_");
    if (!azureMetadataName.test(azureName)) {
      throw new StorageError(
        "E_STORAGE_REQUEST",
        `Azure cannot store the metadata name "${name}": use only letters, digits, "-" and "_", and do not start with a digit.`,
      );
    }
    result[azureName] = value;
  }
  return result;
}

/** Reads Azure metadata back as user metadata: lower-case names, every `_` as `-` (see {@link toAzureMetadata}). */
export function fromAzureMetadata(
  metadata: Record<string, string> | undefined,
): Record<string, string> | undefined {
  if (metadata === undefined) {
    return undefined;
  }
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(metadata)) {
    result[name.toLowerCase().replaceAll("_", "-")] = value;
  }
  return result;
}
