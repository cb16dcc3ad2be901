import type { SettingKind, ValueType } from "./setting-kind.js";

const typeNames: Record<ValueType, string> = {
  string: "string",
  boolean: "boolean",
  number: "number",
  integer: "integer",
  array: "list",
  object: "map (JSON)",
  null: "null",
};

/** A short name of a setting's type for help and docs: `string`, `list of string`, `one of a, b`. */
export function describeSettingType(kind: SettingKind): string {
  const choices = kind.jsonSchema.enum;
  if (Array.isArray(choices)) return `one of ${choices.join(", ")}`;
  const types = [...kind.types].filter((type) => type !== "null");
  if (types.length === 0) return "JSON";
  return types
    .map((type) => {
      if (type !== "array") return typeNames[type];
      const items = [...kind.itemTypes].filter((item) => item !== "null");
      if (items.length === 0) return "list";
      const scalar = items.every((item) => item !== "array" && item !== "object");
      return scalar
        ? `list of ${items.map((item) => typeNames[item]).join(" or ")}`
        : "list (JSON)";
    })
    .join(" or ");
}
