import { z } from "zod";

/** A JSON type a setting's value may take once decoded. */
export type ValueType = "string" | "boolean" | "number" | "integer" | "array" | "object" | "null";

/**
 * How the text of a `PLUGIN_*` variable is to be read for one setting, derived from its schema:
 * the JSON types the setting accepts and, for lists, the types of their items.
 */
export interface SettingKind {
  /** Types the value may take. Empty means anything (JSON when it parses, else the text). */
  types: ReadonlySet<ValueType>;
  /** For lists: the types of the items (empty: anything). */
  itemTypes: ReadonlySet<ValueType>;
  /** The JSON Schema of the setting's input, for docs. */
  jsonSchema: JsonSchema;
}

/** The subset of JSON Schema that zod emits and spotkit reads. */
export interface JsonSchema {
  type?: string | string[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  items?: JsonSchema;
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  format?: string;
  [keyword: string]: unknown;
}

const scalarTypes: ReadonlySet<ValueType> = new Set([
  "string",
  "boolean",
  "number",
  "integer",
  "null",
]);

/** True when every type in the set can be written as plain text in a comma-joined list. */
export function isScalarOnly(types: ReadonlySet<ValueType>): boolean {
  return types.size > 0 && [...types].every((type) => scalarTypes.has(type));
}

/** Reads the decoding kind of a setting from its zod schema (through its input JSON Schema). */
export function readSettingKind(schema: z.ZodType): SettingKind {
  const jsonSchema = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema;
  const definitions = jsonSchema.$defs ?? {};
  const types = collectTypes(jsonSchema, definitions, 0);
  const itemTypes = new Set<ValueType>();
  for (const variant of variantsOf(jsonSchema, definitions, 0)) {
    if (variant.items) {
      for (const type of collectTypes(variant.items, definitions, 0)) itemTypes.add(type);
    }
  }
  return { types, itemTypes, jsonSchema };
}

// zod emits unions as anyOf and recursive types through $ref; a depth bound keeps recursive
// definitions (z.json()) from looping.
function variantsOf(
  schema: JsonSchema,
  definitions: Record<string, JsonSchema>,
  depth: number,
): JsonSchema[] {
  if (depth > 8) return [];
  if (schema.$ref) {
    const name = schema.$ref.replace("#/$defs/", "");
    const target = definitions[name];
    return target ? variantsOf(target, definitions, depth + 1) : [];
  }
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return alternatives.flatMap((item) => variantsOf(item, definitions, depth + 1));
  return [schema];
}

function collectTypes(
  schema: JsonSchema,
  definitions: Record<string, JsonSchema>,
  depth: number,
): Set<ValueType> {
  const types = new Set<ValueType>();
  for (const variant of variantsOf(schema, definitions, depth)) {
    const declared = variant.type === undefined ? [] : [variant.type].flat();
    if (declared.length === 0 && variant.const !== undefined) declared.push(typeof variant.const);
    if (declared.length === 0) return new Set();
    for (const type of declared) types.add(type as ValueType);
  }
  return types;
}
