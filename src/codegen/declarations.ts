// Reads the message declarations of the contracts: AssemblyScript classes, parsed as TypeScript syntax (asc's
// language is a subset), into a model the code generators share. The declaration rules (see docs/messages.md):
//   @instantiate / @execute / @query / @migrate / @sudo   a contract entry message (class = struct, abstract = enum)
//   @message                                             any other message with a codec (packets, acks, cross-contract)
//   abstract class E {} + class V extends E {…}          externally tagged enum E with variant V ("v" in snake_case)
//   @includes(F)                                          on an enum: F's variants belong to it too
//   @returns(R)                                           on a query variant: the response type
//   @returns(R | null)                                    … that may be JSON null (Rust's Option<R>)
//   @flatten (on a struct-typed field)                    the struct's fields appear inline (serde's flatten)
//   @rename("x")                                          JSON name of a variant or field (default: snake_case;
//                                                        a variant <Name>Query of a query enum (or of an enum
//                                                        named …Query) and <Name>Packet of …Packet is tagged "name")
//   field!: T          required          field: T = expr   optional, expr when absent or null
//   field: T | null = null   optional, null when absent (numbers: field: Box<u64> | null = null)
// Field types: string, bool, u32, u64 (JSON number), Uint64 (u64 as a decimal string), Uint128, Decimal,
// Binary (base64), arrays T[], declared classes (nested objects or enums).
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

export type Role = "instantiate" | "execute" | "query" | "migrate" | "sudo";
export const ROLES: Role[] = ["instantiate", "execute", "query", "migrate", "sudo"];

export type Primitive = "string" | "bool" | "u32" | "u64" | "Uint64" | "Uint128" | "Decimal" | "Binary";
const PRIMITIVES = new Set<string>(["string", "bool", "u32", "u64", "Uint64", "Uint128", "Decimal", "Binary"]);

export type TypeRef =
  | { kind: "primitive"; name: Primitive }
  /** Box<u64> etc.: a number that may be absent (only as `Box<T> | null`) */
  | { kind: "boxed"; of: { kind: "primitive"; name: Primitive } }
  | { kind: "array"; of: TypeRef }
  | { kind: "nullable"; of: TypeRef }
  | { kind: "class"; decl: ClassDecl };

export interface FieldDecl {
  /** AssemblyScript name */
  name: string;
  /** JSON key */
  json: string;
  type: TypeRef;
  /** @flatten: the nested struct's fields are written inline, in this object */
  flatten: boolean;
  /** the initializer's source text; absent for required fields */
  defaultText?: string;
  /** the initializer's literal text when it names a constant of the declaration file */
  defaultValue?: string;
  doc?: string;
}

export interface ClassDecl {
  name: string;
  /** repo-relative path of the declaring file */
  file: string;
  abstract: boolean;
  doc?: string;
  role?: Role;
  /** @message: has a codec although no contract entry uses it directly */
  message: boolean;
  /** JSON tag when this class is a variant of an enum */
  tag: string;
  /** the enum this class extends, by name (resolved later) */
  extendsName?: string;
  parent?: ClassDecl;
  fields: FieldDecl[];
  /** enum: variants in declaration order, including those of @includes enums */
  variants: ClassDecl[];
  includeNames: string[];
  returnsName?: string;
  returns?: ClassDecl;
  /** @returns(R | null): the response may be JSON null */
  returnsNullable: boolean;
  /** unresolved field types, filled in by resolve() */
  rawFields: { name: string; json: string; typeNode: ts.TypeNode; defaultText?: string; doc?: string; required: boolean; flatten: boolean }[];
}

export interface DeclFile {
  /** repo-relative path, e.g. assembly/contracts/ilp/msg.ts */
  file: string;
  classes: ClassDecl[];
  /** imported name → repo-relative file it comes from */
  imports: Map<string, string>;
  /** top-level constants with a literal value (name → source text), for documenting defaults */
  consts: Map<string, string>;
}

export function snakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").replace(/([A-Z])([A-Z][a-z])/g, "$1_$2").toLowerCase();
}

function decoratorsOf(node: ts.Node): { name: string; args: ts.Expression[] }[] {
  const list = ts.canHaveDecorators(node) ? ts.getDecorators(node) ?? [] : [];
  return list.map((d) => {
    const e = d.expression;
    if (ts.isIdentifier(e)) return { name: e.text, args: [] };
    if (ts.isCallExpression(e) && ts.isIdentifier(e.expression)) return { name: e.expression.text, args: [...e.arguments] };
    throw new Error(`unsupported decorator ${e.getText()}`);
  });
}

function docOf(node: ts.Node): string | undefined {
  const docs = (node as unknown as { jsDoc?: ts.JSDoc[] }).jsDoc;
  if (!docs || docs.length === 0) return undefined;
  const text = docs.map((d) => (typeof d.comment === "string" ? d.comment : (d.comment ?? []).map((c) => c.text).join(""))).join("\n").trim();
  return text.length > 0 ? text.replace(/\s*\n\s*/g, " ") : undefined;
}

function stringArg(args: ts.Expression[], what: string): string {
  if (args.length !== 1 || !ts.isStringLiteral(args[0])) throw new Error(`${what} takes one string literal`);
  return args[0].text;
}

/** Parses one declaration file; classes without a codec role are skipped unless another declaration uses them. */
export function parseDeclarationFile(root: string, file: string): DeclFile {
  const text = fs.readFileSync(path.join(root, file), "utf8");
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const out: DeclFile = { file, classes: [], imports: new Map(), consts: new Map() };
  for (const stmt of source.statements) {
    if (ts.isVariableStatement(stmt)) {
      for (const d of stmt.declarationList.declarations) {
        if (ts.isIdentifier(d.name) && d.initializer && (ts.isNumericLiteral(d.initializer) || ts.isStringLiteral(d.initializer))) {
          out.consts.set(d.name.text, d.initializer.getText());
        }
      }
      continue;
    }
    if (ts.isImportDeclaration(stmt) && ts.isStringLiteral(stmt.moduleSpecifier)) {
      const spec = stmt.moduleSpecifier.text;
      if (!spec.startsWith(".")) continue;
      let target = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec));
      if (!target.endsWith(".ts")) target += ".ts";
      const bindings = stmt.importClause?.namedBindings;
      if (bindings && ts.isNamedImports(bindings)) {
        for (const el of bindings.elements) out.imports.set(el.name.text, target);
      }
      continue;
    }
    if (!ts.isClassDeclaration(stmt) || !stmt.name) continue;
    const decorators = decoratorsOf(stmt);
    const decl: ClassDecl = {
      name: stmt.name.text,
      file,
      abstract: (ts.getModifiers(stmt) ?? []).some((m) => m.kind === ts.SyntaxKind.AbstractKeyword),
      doc: docOf(stmt),
      message: false,
      tag: snakeCase(stmt.name.text),
      fields: [],
      variants: [],
      includeNames: [],
      returnsNullable: false,
      rawFields: [],
    };
    for (const d of decorators) {
      if ((ROLES as string[]).includes(d.name)) decl.role = d.name as Role;
      else if (d.name === "message") decl.message = true;
      else if (d.name === "rename") decl.tag = stringArg(d.args, "@rename");
      else if (d.name === "includes") decl.includeNames.push(...d.args.map((a) => a.getText()));
      else if (d.name === "returns") {
        const arg = d.args[0];
        const nullable = ts.isBinaryExpression(arg) && arg.operatorToken.kind === ts.SyntaxKind.BarToken && arg.right.kind === ts.SyntaxKind.NullKeyword;
        decl.returnsName = (nullable ? arg.left : arg).getText();
        decl.returnsNullable = nullable;
      }
      else throw new Error(`${file}: ${decl.name}: unknown decorator @${d.name}`);
    }
    const heritage = stmt.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword);
    if (heritage) decl.extendsName = heritage.types[0].expression.getText();
    for (const member of stmt.members) {
      if (ts.isConstructorDeclaration(member) || ts.isMethodDeclaration(member)) {
        throw new Error(`${file}: ${decl.name}: declarations hold fields only (codecs and factories are generated)`);
      }
      if (!ts.isPropertyDeclaration(member) || !ts.isIdentifier(member.name)) continue;
      if (!member.type) throw new Error(`${file}: ${decl.name}.${member.name.text}: a field needs a type`);
      let json = snakeCase(member.name.text);
      let flatten = false;
      for (const d of decoratorsOf(member)) {
        if (d.name === "rename") json = stringArg(d.args, "@rename");
        else if (d.name === "flatten") flatten = true;
        else throw new Error(`${file}: ${decl.name}.${member.name.text}: unknown decorator @${d.name}`);
      }
      const required = !!member.exclamationToken;
      if (required === !!member.initializer) {
        throw new Error(`${file}: ${decl.name}.${member.name.text}: write either "name!: T" (required) or "name: T = default" (optional)`);
      }
      decl.rawFields.push({
        name: member.name.text, json, typeNode: member.type, required, flatten,
        defaultText: member.initializer?.getText(), doc: docOf(member),
      });
    }
    out.classes.push(decl);
  }
  return out;
}

/** Parses all declaration files, resolves names across them, and links enums with their variants. */
export function loadDeclarations(root: string, files: string[]): DeclFile[] {
  const parsed = files.map((f) => parseDeclarationFile(root, f));
  const byFile = new Map(parsed.map((p) => [p.file, p]));
  const lookup = (from: DeclFile, name: string): ClassDecl => {
    const local = from.classes.find((c) => c.name === name);
    if (local) return local;
    const file = from.imports.get(name);
    const target = file ? byFile.get(file) : undefined;
    const found = target?.classes.find((c) => c.name === name);
    if (!found) throw new Error(`${from.file}: ${name} is not a declared message class (declare it, or import it from a declaration file)`);
    return found;
  };
  const resolveType = (from: DeclFile, node: ts.TypeNode, where: string): TypeRef => {
    if (ts.isUnionTypeNode(node)) {
      const parts = node.types.filter((t) => !(ts.isLiteralTypeNode(t) && t.literal.kind === ts.SyntaxKind.NullKeyword));
      if (parts.length !== 1 || parts.length === node.types.length) throw new Error(`${where}: only "T | null" unions are supported`);
      return { kind: "nullable", of: resolveType(from, parts[0], where) };
    }
    if (ts.isArrayTypeNode(node)) return { kind: "array", of: resolveType(from, node.elementType, where) };
    if (node.kind === ts.SyntaxKind.StringKeyword) return { kind: "primitive", name: "string" };
    if (ts.isTypeReferenceNode(node) && ts.isIdentifier(node.typeName) && node.typeName.text === "Box" && node.typeArguments?.length === 1) {
      const inner = resolveType(from, node.typeArguments[0], where);
      if (inner.kind !== "primitive" || !["u32", "u64"].includes(inner.name)) throw new Error(`${where}: Box<T> holds a u32 or u64`);
      if (!ts.isUnionTypeNode(node.parent)) throw new Error(`${where}: write Box<T> as "Box<T> | null"`);
      return { kind: "boxed", of: inner };
    }
    if (ts.isTypeReferenceNode(node) && ts.isIdentifier(node.typeName) && !node.typeArguments) {
      const name = node.typeName.text;
      if (PRIMITIVES.has(name)) return { kind: "primitive", name: name as Primitive };
      return { kind: "class", decl: lookup(from, name) };
    }
    throw new Error(`${where}: unsupported type ${node.getText()}`);
  };
  for (const file of parsed) {
    for (const c of file.classes) {
      // `extends Message` (the SDK's common base of enums) makes an enum, not a variant.
      if (c.extendsName && c.extendsName !== "Message") c.parent = lookup(file, c.extendsName);
      // Query and packet variants are named <Variant>Query / <Variant>Packet (plain names would clash with state
      // and response classes); the suffix is not part of the tag.
      if (c.parent && c.tag === snakeCase(c.name)) {
        const suffix = c.parent.role === "query" || c.parent.name.endsWith("Query") ? "Query" : c.parent.name.endsWith("Packet") ? "Packet" : "";
        if (suffix && c.name.endsWith(suffix) && c.name !== suffix) c.tag = snakeCase(c.name.slice(0, -suffix.length));
      }
      const keys = new Set<string>();
      c.fields = c.rawFields.map((f) => {
        if (!f.flatten) {
          if (keys.has(f.json)) throw new Error(`${file.file}: ${c.name} has two fields named "${f.json}" in JSON`);
          keys.add(f.json);
        }
        if (f.required && ts.isUnionTypeNode(f.typeNode) &&
          f.typeNode.types.some((t) => ts.isLiteralTypeNode(t) && t.literal.kind === ts.SyntaxKind.NullKeyword)) {
          throw new Error(`${file.file}: ${c.name}.${f.name}: a "T | null" field is optional: write "${f.name}: T | null = null"`);
        }
        const type = resolveType(file, f.typeNode, `${file.file}: ${c.name}.${f.name}`);
        if (f.defaultText === "null" && type.kind !== "nullable") throw new Error(`${file.file}: ${c.name}.${f.name}: null default needs "T | null"`);
        if (f.flatten && (type.kind !== "class" || type.decl.abstract || !f.required)) {
          throw new Error(`${file.file}: ${c.name}.${f.name}: @flatten needs a required struct field`);
        }
        return { name: f.name, json: f.json, type, defaultText: f.defaultText, defaultValue: f.defaultText !== undefined ? file.consts.get(f.defaultText) ?? f.defaultText : undefined, doc: f.doc, flatten: f.flatten };
      });
      if (c.returnsName) c.returns = lookup(file, c.returnsName);
    }
  }
  for (const file of parsed) {
    for (const c of file.classes) {
      if (!c.abstract) continue;
      if (c.fields.length > 0) throw new Error(`${file.file}: enum ${c.name} cannot have fields`);
      const own = parsed.flatMap((p) => p.classes).filter((v) => v.parent === c);
      const included = c.includeNames.flatMap((n) => {
        const e = lookup(file, n);
        if (!e.abstract) throw new Error(`${file.file}: @includes(${n}) on ${c.name}: ${n} is not an enum`);
        return parsed.flatMap((p) => p.classes).filter((v) => v.parent === e);
      });
      c.variants = [...own, ...included];
      const tags = new Set<string>();
      for (const v of c.variants) {
        if (tags.has(v.tag)) throw new Error(`${file.file}: enum ${c.name} has two variants tagged "${v.tag}"`);
        tags.add(v.tag);
      }
    }
  }
  return parsed;
}

/** Every class a codec is generated for: the roots (roles, @message) and all classes they reach. */
export function reachable(files: DeclFile[]): Set<ClassDecl> {
  const seen = new Set<ClassDecl>();
  const visit = (c: ClassDecl): void => {
    if (seen.has(c)) return;
    seen.add(c);
    if (c.parent) visit(c.parent);
    c.variants.forEach(visit);
    if (c.returns) visit(c.returns);
    const visitType = (t: TypeRef): void => {
      if (t.kind === "class") visit(t.decl);
      else if (t.kind !== "primitive" && t.kind !== "boxed") visitType(t.of);
    };
    c.fields.forEach((f) => visitType(f.type));
  };
  for (const f of files) for (const c of f.classes) if (c.role || c.message) visit(c);
  // Variants of a reached enum are reached through it; an enum reached through a variant reaches its siblings too.
  return seen;
}
