import { describe, expect, it } from "vitest";
import { predefinedAclFor } from "./gcs-acl.js";

describe("predefinedAclFor", () => {
  it("maps the entries a predefined ACL grants exactly", () => {
    expect(predefinedAclFor(["allUsers:READER"])).toEqual({ ok: true, acl: "publicRead" });
    expect(predefinedAclFor(["allAuthenticatedUsers:READER"])).toEqual({
      ok: true,
      acl: "authenticatedRead",
    });
    expect(predefinedAclFor(["allAuthenticatedUsers:READER", "allUsers:READER"])).toEqual({
      ok: true,
      acl: "publicRead",
    });
    expect(predefinedAclFor(["allusers:reader"])).toEqual({ ok: true, acl: "publicRead" });
  });

  it("applies nothing for an empty list", () => {
    expect(predefinedAclFor([])).toEqual({ ok: true, acl: undefined });
    expect(predefinedAclFor([" "])).toEqual({ ok: true, acl: undefined });
  });

  it("takes a predefined ACL by name, in either spelling", () => {
    expect(predefinedAclFor(["publicRead"])).toEqual({ ok: true, acl: "publicRead" });
    expect(predefinedAclFor(["bucket-owner-full-control"])).toEqual({
      ok: true,
      acl: "bucketOwnerFullControl",
    });
  });

  it("refuses entries no predefined ACL grants, naming them and IAM", () => {
    const result = predefinedAclFor(["allUsers:READER", "user-jane@example.com:OWNER"]);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toContain(
      '"user-jane@example.com:OWNER" cannot be applied',
    );
    expect(!result.ok && result.message).toContain("IAM");
  });

  it("refuses what is not entity:role, as the Go plugin's invalid ACL", () => {
    const result = predefinedAclFor(["allUsers"]);
    expect(!result.ok && result.message).toContain("is not an ACL entry");
    expect(predefinedAclFor([":READER"]).ok).toBe(false);
    expect(predefinedAclFor(["allUsers:"]).ok).toBe(false);
  });
});
