// JSON schemas in cosmwasm-schema's IDL layout (what `cargo schema` writes for Rust contracts, and what
// @cosmwasm/ts-codegen, explorers and other tools read): schema/<contract>.json, one per contract, built from the
// same declarations as the AssemblyScript codecs. Type shapes follow schemars (draft-07, definitions + $ref).
import { ClassDecl, DeclFile, FieldDecl, Role, TypeRef } from "./declarations";

export const IDL_VERSION = "1.0.0";
const DRAFT = "http://json-schema.org/draft-07/schema#";

type Json = { [key: string]: unknown };

/** cosmwasm-std's wrapper types, described as cosmwasm-schema describes them. */
const STD_DEFINITIONS: Record<string, Json> = {
  Uint128: {
    description: "A thin wrapper around u128 that is using strings for JSON encoding/decoding, such that the full u128 range can be used for clients that convert JSON numbers to floats, like JavaScript and jq.",
    type: "string",
  },
  Uint64: {
    description: "A thin wrapper around u64 that is using strings for JSON encoding/decoding, such that the full u64 range can be used for clients that convert JSON numbers to floats, like JavaScript and jq.",
    type: "string",
  },
  Decimal: {
    description: "A fixed-point decimal value with 18 fractional digits, i.e. Decimal(1_000_000_000_000_000_000) == 1.0",
    type: "string",
  },
  Binary: {
    description: "Binary is a wrapper around Vec<u8> to add base64 de/serialization with serde. It also adds some helper methods to help encode inline.",
    type: "string",
  },
};

class SchemaBuilder {
  readonly definitions = new Map<string, Json>();

  private ref(name: string): Json {
    return { $ref: `#/definitions/${name}` };
  }

  type(t: TypeRef): Json {
    switch (t.kind) {
      case "primitive":
        switch (t.name) {
          case "string": return { type: "string" };
          case "bool": return { type: "boolean" };
          case "u32": return { type: "integer", format: "uint32", minimum: 0, maximum: 4294967295 };
          case "u64": return { type: "integer", format: "uint64", minimum: 0 };
          default:
            this.definitions.set(t.name, STD_DEFINITIONS[t.name]);
            return this.ref(t.name);
        }
      case "boxed": return this.type(t.of);
      case "array": return { type: "array", items: this.type(t.of) };
      case "nullable": {
        const inner = this.type(t.of);
        if (typeof inner.type === "string" && inner.type !== "array") return { ...inner, type: [inner.type, "null"] };
        return { anyOf: [inner, { type: "null" }] };
      }
      case "class":
        this.define(t.decl);
        return this.ref(t.decl.name);
    }
  }

  private define(c: ClassDecl): void {
    if (this.definitions.has(c.name)) return;
    this.definitions.set(c.name, {}); // placeholder against recursion
    this.definitions.set(c.name, c.abstract ? this.enumBody(c) : this.structBody(c));
  }

  private field(f: FieldDecl): Json {
    // The decoders treat null like absence for every optional field, so a field with a default accepts null too
    // (and ts-codegen's clients then make it an optional parameter).
    const type: TypeRef = f.defaultText !== undefined && f.type.kind !== "nullable" ? { kind: "nullable", of: f.type } : f.type;
    const schema = this.type(type);
    const out: Json = schema.$ref && f.doc ? { allOf: [schema] } : { ...schema };
    if (f.doc) out.description = f.doc;
    const literal = f.defaultValue !== undefined ? defaultValue(f.defaultValue) : undefined;
    if (literal !== undefined) out.default = literal;
    return out;
  }

  /** properties and required of a struct's fields (flattened structs contribute theirs). */
  private members(c: ClassDecl): { properties: Json; required: string[] } {
    const properties: Json = {};
    const required: string[] = [];
    for (const f of c.fields) {
      if (f.flatten && f.type.kind === "class") {
        const inner = this.members(f.type.decl);
        Object.assign(properties, inner.properties);
        required.push(...inner.required);
        continue;
      }
      properties[f.json] = this.field(f);
      if (f.defaultText === undefined) required.push(f.json);
    }
    return { properties, required };
  }

  structBody(c: ClassDecl): Json {
    const { properties, required } = this.members(c);
    const out: Json = {};
    if (c.doc) out.description = c.doc;
    out.type = "object";
    if (required.length > 0) out.required = required;
    out.properties = properties;
    out.additionalProperties = false;
    return out;
  }

  enumBody(c: ClassDecl): Json {
    const out: Json = {};
    if (c.doc) out.description = c.doc;
    out.oneOf = c.variants.map((v) => {
      const variant: Json = {};
      if (v.doc) variant.description = v.doc;
      const payload = this.structBody({ ...v, doc: undefined });
      Object.assign(variant, { type: "object", required: [v.tag], properties: { [v.tag]: payload }, additionalProperties: false });
      return variant;
    });
    return out;
  }

  /** A root schema: the class's own body with $schema, title and the definitions it reached. */
  root(c: ClassDecl): Json {
    const body = c.abstract ? this.enumBody(c) : this.structBody(c);
    const out: Json = { $schema: DRAFT, title: c.name, ...body };
    if (this.definitions.size > 0) {
      out.definitions = Object.fromEntries([...this.definitions].sort(([a], [b]) => a.localeCompare(b)));
    }
    return out;
  }
}

/** A default's JSON value when its source text is a literal (numbers with _ separators, strings, booleans). */
function defaultValue(text: string): unknown {
  if (/^[0-9][0-9_]*$/.test(text)) return Number(text.replace(/_/g, ""));
  if (text === "true" || text === "false") return text === "true";
  if (/^"[^"\\]*"$/.test(text)) return text.slice(1, -1);
  return undefined;
}

function rootSchema(c: ClassDecl): Json {
  return new SchemaBuilder().root(c);
}

/** A response that may be JSON null (Rust's Option<T>): cosmwasm-schema titles it Nullable_<T>. */
function nullableRootSchema(c: ClassDecl): Json {
  const builder = new SchemaBuilder();
  const ref = builder.type({ kind: "class", decl: c });
  const out: Json = { $schema: DRAFT, title: `Nullable_${c.name}`, anyOf: [ref, { type: "null" }] };
  out.definitions = Object.fromEntries([...builder.definitions].sort(([a], [b]) => a.localeCompare(b)));
  return out;
}

/** schema/<contract>.json for the contract whose msg.ts is `file`. */
export function contractSchema(contract: string, version: string, file: DeclFile): Json {
  const byRole = (role: Role): ClassDecl | undefined => file.classes.find((c) => c.role === role);
  const schema = (role: Role): Json | null => {
    const c = byRole(role);
    return c ? rootSchema(c) : null;
  };
  const query = byRole("query");
  const responses: Json = {};
  for (const v of query?.variants ?? []) {
    if (!v.returns) throw new Error(`${file.file}: query ${v.name} needs @returns(<Response>)`);
    responses[v.tag] = v.returnsNullable ? nullableRootSchema(v.returns) : rootSchema(v.returns);
  }
  if (!byRole("instantiate") || !byRole("execute") || !query) {
    throw new Error(`${file.file}: a contract declares @instantiate, @execute and @query messages`);
  }
  return {
    contract_name: contract,
    contract_version: version,
    idl_version: IDL_VERSION,
    instantiate: schema("instantiate"),
    execute: schema("execute"),
    query: schema("query"),
    migrate: schema("migrate"),
    sudo: schema("sudo"),
    responses,
  };
}
