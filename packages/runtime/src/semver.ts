/**
 * A semantic version read from a tag, in the shape Drone exports as `DRONE_SEMVER*`.
 *
 * Drone parses tags with coreos/go-semver (drone/runner-go:environ/semver.go), which is looser than
 * semver.org: leading zeros are accepted (`v01.2.3` is `1.2.3`) and only one leading `v` is dropped.
 */
export interface SemVer {
  /** The normalised version without the leading `v`, prerelease and build included (`1.2.3-rc.1+build.5`). */
  version: string;
  /** The major number (`1` of `1.2.3`). */
  major: number;
  /** The minor number (`2` of `1.2.3`). */
  minor: number;
  /** The patch number (`3` of `1.2.3`). */
  patch: number;
  /** The prerelease identifiers after `-` (`rc.1` of `1.2.3-rc.1`), when there are any. */
  prerelease?: string;
  /** The build metadata after `+` (`build.5` of `1.2.3+build.5`), when there is any. */
  build?: string;
  /**
   * The version without prerelease and build metadata (`1.2.3` of `v1.2.3-rc.1+build.5`), as in
   * `DRONE_SEMVER_SHORT`.
   */
  short: string;
}

// The identifier rule of coreos/go-semver v0.3.0 (`reIdentifier`), which Drone uses.
const identifierPattern = /^[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*$/;

/**
 * Parses a tag as Drone does for `DRONE_SEMVER*`: one leading `v` is dropped, then
 * `MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]` is required.
 *
 * @returns the version, or `undefined` when the tag is not a semantic version (Drone sets
 * `DRONE_SEMVER_ERROR` then). Numbers beyond `Number.MAX_SAFE_INTEGER` are refused too, because
 * they could not be represented exactly.
 */
export function parseSemVer(tag: string): SemVer | undefined {
  let rest = tag.startsWith("v") ? tag.slice(1) : tag;
  // Same order as go-semver's Set: build metadata is split off first, then the prerelease.
  const plusIndex = rest.indexOf("+");
  const build = plusIndex === -1 ? "" : rest.slice(plusIndex + 1);
  if (plusIndex !== -1) rest = rest.slice(0, plusIndex);
  const dashIndex = rest.indexOf("-");
  const prerelease = dashIndex === -1 ? "" : rest.slice(dashIndex + 1);
  if (dashIndex !== -1) rest = rest.slice(0, dashIndex);

  // strings.SplitN(version, ".", 3): a fourth dotted part stays in the patch and fails to parse.
  const firstDot = rest.indexOf(".");
  const secondDot = firstDot === -1 ? -1 : rest.indexOf(".", firstDot + 1);
  if (secondDot === -1) return undefined;
  if (prerelease !== "" && !identifierPattern.test(prerelease)) return undefined;
  if (build !== "" && !identifierPattern.test(build)) return undefined;

  const major = parseVersionNumber(rest.slice(0, firstDot));
  const minor = parseVersionNumber(rest.slice(firstDot + 1, secondDot));
  const patch = parseVersionNumber(rest.slice(secondDot + 1));
  if (major === undefined || minor === undefined || patch === undefined) return undefined;

  const short = `${major}.${minor}.${patch}`;
  const version = `${short}${prerelease ? `-${prerelease}` : ""}${build ? `+${build}` : ""}`;
  return {
    version,
    major,
    minor,
    patch,
    ...(prerelease ? { prerelease } : {}),
    ...(build ? { build } : {}),
    short,
  };
}

/** `strconv.ParseInt(text, 10, 64)` restricted to what a JavaScript number holds exactly. */
function parseVersionNumber(text: string): number | undefined {
  // ParseInt would accept a sign, but neither can get here: "+" and "-" were split off above.
  if (!/^[0-9]+$/.test(text)) return undefined;
  const value = BigInt(text);
  return value > BigInt(Number.MAX_SAFE_INTEGER) ? undefined : Number(value);
}
