import { describe, expect, it } from "vitest";
import { parseSemVer } from "./semver.js";

describe("parseSemVer", () => {
  it("parses a tag as drone/runner-go's TestSemver expects", () => {
    // drone/runner-go:environ/semver_test.go: versions("v1.2.3-alpha+001")
    expect(parseSemVer("v1.2.3-alpha+001")).toEqual({
      version: "1.2.3-alpha+001",
      major: 1,
      minor: 2,
      patch: 3,
      prerelease: "alpha",
      build: "001",
      short: "1.2.3",
    });
  });

  it("parses prerelease and build metadata with dots", () => {
    expect(parseSemVer("v1.2.3-rc.1+build.5")).toEqual({
      version: "1.2.3-rc.1+build.5",
      major: 1,
      minor: 2,
      patch: 3,
      prerelease: "rc.1",
      build: "build.5",
      short: "1.2.3",
    });
  });

  it("leaves prerelease and build out when there are none", () => {
    expect(parseSemVer("10.20.30")).toEqual({
      version: "10.20.30",
      major: 10,
      minor: 20,
      patch: 30,
      short: "10.20.30",
    });
  });

  it("accepts leading zeros and normalises them, as go-semver does", () => {
    expect(parseSemVer("v01.002.3")?.version).toBe("1.2.3");
  });

  it("treats a hyphen inside the build metadata as part of it", () => {
    // go-semver splits off "+" first, so "-" after it belongs to the metadata.
    expect(parseSemVer("1.0.0+exp-sha.5114f85")).toMatchObject({ build: "exp-sha.5114f85" });
    expect(parseSemVer("1.0.0+exp-sha.5114f85")?.prerelease).toBeUndefined();
  });

  it.each([
    ["this is an invalid version"],
    ["1.2"],
    ["1.2.3.4"],
    ["V1.2.3"],
    ["vv1.2.3"],
    ["1.2.x"],
    ["1..3"],
    ["1.2.3-rc..1"],
    ["1.2.3-rc_1"],
    ["1.2.3+build+2"],
    [""],
    ["latest"],
    ["99999999999999999999.0.0"],
  ])("refuses %j", (tag) => {
    expect(parseSemVer(tag)).toBeUndefined();
  });

  it("accepts an empty prerelease after a hyphen, as go-semver does", () => {
    expect(parseSemVer("1.2.3-")).toEqual({
      version: "1.2.3",
      major: 1,
      minor: 2,
      patch: 3,
      short: "1.2.3",
    });
  });
});
