// No import cycles among the TypeScript modules of src/ (type-only imports included: a cycle of types is still a
// cycle of dependencies). Host modules receive what they use explicitly instead of reaching through each other.
import { existsSync, readFileSync, readdirSync, statSync } from "fs";
import * as path from "path";

const SRC = path.resolve(__dirname, "..", "..", "src");

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    if (statSync(p).isDirectory()) return tsFiles(p);
    return p.endsWith(".ts") && !p.endsWith(".d.ts") ? [p] : [];
  });
}

function resolve(from: string, spec: string): string | undefined {
  const base = path.resolve(path.dirname(from), spec);
  for (const c of [`${base}.ts`, path.join(base, "index.ts")]) if (existsSync(c)) return c;
  return undefined;
}

/** Relative imports and re-exports of a file, resolved to files. */
export function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const out = new Set<string>();
  const re = /^\s*(?:import|export)\b[^;]*?\bfrom\s+["'](\.[^"']*)["']|^\s*import\s+["'](\.[^"']*)["']/gms;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const target = resolve(file, m[1] ?? m[2]);
    if (target) out.add(target);
  }
  return [...out];
}

/** Strongly connected components with more than one file (or a file importing itself): Tarjan's algorithm. */
export function cycles(files: string[], edges: (f: string) => string[]): string[][] {
  const index = new Map<string, number>(), low = new Map<string, number>(), onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  let next = 0;
  const visit = (v: string) => {
    index.set(v, next); low.set(v, next); next++;
    stack.push(v); onStack.add(v);
    for (const w of edges(v)) {
      if (!index.has(w)) { visit(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); }
      else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do { w = stack.pop()!; onStack.delete(w); scc.push(w); } while (w !== v);
      if (scc.length > 1 || edges(v).includes(v)) out.push(scc.map((f) => path.relative(SRC, f)).sort());
    }
  };
  for (const f of files) if (!index.has(f)) visit(f);
  return out;
}

describe("import graph of src/", () => {
  const files = tsFiles(SRC);
  const graph = new Map(files.map((f) => [f, importsOf(f)]));
  const edges = (f: string) => graph.get(f) ?? [];

  it("reads the imports it should (sanity check of the parser)", () => {
    const hostChain = path.join(SRC, "host", "host-chain.ts");
    expect(edges(hostChain).map((f) => path.relative(SRC, f))).toEqual(expect.arrayContaining(["host/bank.ts", "host/context.ts"]));
  });

  it("finds a cycle when there is one", () => {
    const g: Record<string, string[]> = { a: ["b"], b: ["c"], c: ["a"], d: ["a"] };
    expect(cycles(Object.keys(g), (f) => g[f]).map((c) => c.length)).toEqual([3]);
  });

  it("has no cycles among src/host files", () => {
    const host = files.filter((f) => f.startsWith(path.join(SRC, "host") + path.sep));
    expect(cycles(host, edges)).toEqual([]);
  });

  it("has no cycles anywhere in src/", () => {
    expect(cycles(files, edges)).toEqual([]);
  });
});
