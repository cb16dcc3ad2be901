/** GCS's predefined object ACLs, as the JSON API names them. */
export const predefinedAcls = [
  "authenticatedRead",
  "bucketOwnerFullControl",
  "bucketOwnerRead",
  "private",
  "projectPrivate",
  "publicRead",
] as const;

/** What {@link predefinedAclFor} found: the ACL to apply, or why the entries cannot be applied. */
export type AclChoice = { ok: true; acl: string | undefined } | { ok: false; message: string };

/** `entity:role` rules that a predefined ACL grants exactly (with the owner keeping OWNER). */
const grantsByAcl: Record<string, string> = {
  "allusers:READER": "publicRead",
  "allauthenticatedusers:READER": "authenticatedRead",
};

/**
 * Maps plugins/gcs's `acl` (a list of `entity:role`, applied by the Go plugin as the object's ACL
 * entries) to the predefined ACL that grants the same: `allUsers:READER` → `publicRead`,
 * `allAuthenticatedUsers:READER` → `authenticatedRead` (both together → `publicRead`, which
 * includes the other). A predefined ACL may also be named directly (`publicRead`,
 * `public-read`). Other entries (users, groups, domains, projects, OWNER roles) have no predefined
 * equivalent: they are refused with a message, rather than silently dropped.
 */
export function predefinedAclFor(entries: readonly string[]): AclChoice {
  const items = entries.map((entry) => entry.trim()).filter(Boolean);
  if (items.length === 0) return { ok: true, acl: undefined };
  const named = items.length === 1 ? findPredefinedAcl(items[0] as string) : undefined;
  if (named) return { ok: true, acl: named };
  const granted = new Set<string>();
  for (const item of items) {
    const separator = item.indexOf(":");
    if (separator <= 0 || separator === item.length - 1) {
      return {
        ok: false,
        message: `"${item}" is not an ACL entry: write entity:role (allUsers:READER), or a predefined ACL (${predefinedAcls.join(", ")})`,
      };
    }
    const key = `${item.slice(0, separator).toLowerCase()}:${item.slice(separator + 1).toUpperCase()}`;
    const acl = grantsByAcl[key];
    if (acl === undefined) {
      return {
        ok: false,
        message: `"${item}" cannot be applied: spotkit sets object ACLs through GCS's predefined ACLs, which cover allUsers:READER (publicRead) and allAuthenticatedUsers:READER (authenticatedRead); grant other access with IAM on the bucket`,
      };
    }
    granted.add(acl);
  }
  return { ok: true, acl: granted.has("publicRead") ? "publicRead" : "authenticatedRead" };
}

function findPredefinedAcl(text: string): string | undefined {
  const camel = text.replace(/-([a-z])/g, (_match, letter: string) => letter.toUpperCase());
  return predefinedAcls.find((acl) => acl.toLowerCase() === camel.toLowerCase());
}
