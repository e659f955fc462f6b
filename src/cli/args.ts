// A small strict argv parser: every command declares its flags, so a typo is an error instead of being ignored.
import { MeshError } from "../deploy/errors";

export interface FlagSpec {
  /** Flags that take a value (--chain mesh-a, --chain=mesh-a); repeatable ones collect every value. */
  values?: string[];
  /** Flags without a value. */
  switches?: string[];
}

export interface ParsedArgs {
  positionals: string[];
  values: Map<string, string[]>;
  switches: Set<string>;
}

export function parseArgs(argv: string[], spec: FlagSpec, usage: string): ParsedArgs {
  const out: ParsedArgs = { positionals: [], values: new Map(), switches: new Set() };
  const values = new Set(spec.values ?? []);
  const switches = new Set([...(spec.switches ?? []), "help"]);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "-h") {
      out.switches.add("help");
      continue;
    }
    if (!a.startsWith("--")) {
      out.positionals.push(a);
      continue;
    }
    const eq = a.indexOf("=");
    const name = a.slice(2, eq < 0 ? undefined : eq);
    if (values.has(name)) {
      const value = eq < 0 ? argv[++i] : a.slice(eq + 1);
      if (value === undefined || (eq < 0 && value.startsWith("--"))) throw new MeshError(`--${name} needs a value\n\n${usage}`);
      out.values.set(name, [...(out.values.get(name) ?? []), value]);
    } else if (switches.has(name)) {
      if (eq >= 0) throw new MeshError(`--${name} takes no value\n\n${usage}`);
      out.switches.add(name);
    } else {
      throw new MeshError(`unknown option --${name}\n\n${usage}`);
    }
  }
  return out;
}

export const value = (a: ParsedArgs, name: string): string | undefined => a.values.get(name)?.at(-1);

export function required(a: ParsedArgs, name: string, usage: string): string {
  const v = value(a, name);
  if (v === undefined) throw new MeshError(`--${name} is required\n\n${usage}`);
  return v;
}

/** --chain a --chain b, or --chain a,b */
export const list = (a: ParsedArgs, name: string): string[] | undefined => {
  const all = a.values.get(name)?.flatMap((v) => v.split(",")).map((s) => s.trim()).filter(Boolean);
  return all && all.length ? all : undefined;
};

export function jsonValue(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new MeshError(`${what} is not valid JSON: ${(e as Error).message}`);
  }
}

export function positiveInt(text: string, what: string): number {
  if (!/^\d+$/.test(text) || Number(text) <= 0) throw new MeshError(`${what} must be a positive integer, got "${text}"`);
  return Number(text);
}
