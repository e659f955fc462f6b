// Code generation from the message declarations: AssemblyScript codecs (assemblyscript.ts) and CosmWasm JSON
// schemas (schema.ts). One list of declaration files, one function that writes (or checks) all outputs.
import * as fs from "fs";
import * as path from "path";
import { generateCodecs } from "./assemblyscript";
import { generateClients } from "./clients";
import { loadDeclarations } from "./declarations";
import { errorCatalogueModule, loadErrorCatalogues } from "./errors";
import { contractSchema } from "./schema";

export { loadDeclarations } from "./declarations";

/** Declaration files: each contract's msg.ts and the shared cross-contract and packet declarations. */
export function declarationFiles(root: string): string[] {
  const contracts = fs.readdirSync(path.join(root, "assembly/contracts")).sort()
    .map((c) => `assembly/contracts/${c}/msg.ts`)
    .filter((f) => fs.existsSync(path.join(root, f)));
  const shared = ["assembly/shared/lien.ts", "assembly/shared/meta-staking.ts", "assembly/shared/packets.ts", "assembly/shared/price.ts"]
    .filter((f) => fs.existsSync(path.join(root, f)) && /^@message/m.test(fs.readFileSync(path.join(root, f), "utf8")));
  return [...shared, ...contracts];
}

/** Everything generated: repo-relative path → content. */
export async function generatedFiles(root: string): Promise<Map<string, string>> {
  const decls = loadDeclarations(root, declarationFiles(root));
  const files = generateCodecs(decls);
  files.set("src/contracts/errors.ts", errorCatalogueModule(loadErrorCatalogues(root)));
  const version = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).version as string;
  const schemas = new Map<string, string>();
  for (const decl of decls) {
    const contract = /^assembly\/contracts\/([^/]+)\/msg\.ts$/.exec(decl.file)?.[1];
    if (contract) schemas.set(`schema/${contract}.json`, JSON.stringify(contractSchema(contract, version, decl), null, 2) + "\n");
  }
  for (const [file, content] of schemas) files.set(file, content);
  for (const [file, content] of await generateClients(root, schemas)) files.set(file, content);
  return files;
}

/**
 * Writes the generated files (or, with check, only compares); returns the paths that were (or would be) changed,
 * including stale generated files that nothing generates any more.
 */
export async function writeGenerated(root: string, options: { check?: boolean } = {}): Promise<string[]> {
  const changed: string[] = [];
  const generated = await generatedFiles(root);
  for (const file of staleGenerated(root, generated)) {
    changed.push(file);
    if (!options.check) fs.rmSync(path.join(root, file));
  }
  for (const [file, content] of generated) {
    const full = path.join(root, file);
    const current = fs.existsSync(full) ? fs.readFileSync(full, "utf8") : null;
    if (current === content) continue;
    changed.push(file);
    if (!options.check) {
      fs.mkdirSync(path.dirname(full), { recursive: true });
      fs.writeFileSync(full, content);
    }
  }
  return changed;
}

/**
 * Generated files that the declarations no longer produce: anything in the generated-only folders (schema/,
 * src/contracts/) and any *.codec.ts under assembly/.
 */
function staleGenerated(root: string, generated: Map<string, string>): string[] {
  const out: string[] = [];
  const codecs = (dir: string): string[] => fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? codecs(`${dir}/${e.name}`) : e.name.endsWith(".codec.ts") ? [`${dir}/${e.name}`] : []);
  out.push(...codecs("assembly").filter((f) => !generated.has(f)));
  for (const dir of ["schema", "src/contracts"]) {
    if (!fs.existsSync(path.join(root, dir))) continue;
    for (const f of fs.readdirSync(path.join(root, dir))) {
      const file = `${dir}/${f}`;
      if (!generated.has(file)) out.push(file);
    }
  }
  return out;
}
