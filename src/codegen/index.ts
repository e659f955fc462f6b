// Code generation from the message declarations: AssemblyScript codecs (assemblyscript.ts) and CosmWasm JSON
// schemas (schema.ts). One list of declaration files, one function that writes (or checks) all outputs.
import * as fs from "fs";
import * as path from "path";
import { generateCodecs } from "./assemblyscript";
import { loadDeclarations } from "./declarations";
import { errorCatalogueModule, loadErrorCatalogues } from "./errors";

export { loadDeclarations } from "./declarations";

/** Declaration files: each contract's msg.ts and the shared cross-contract and packet declarations. */
export function declarationFiles(root: string): string[] {
  const contracts = fs.readdirSync(path.join(root, "assembly/contracts")).sort()
    .map((c) => `assembly/contracts/${c}/msg.ts`)
    .filter((f) => fs.existsSync(path.join(root, f)));
  const shared = ["assembly/shared/lien.ts", "assembly/shared/meta-staking.ts", "assembly/shared/packets.ts"]
    .filter((f) => fs.existsSync(path.join(root, f)) && /^@message/m.test(fs.readFileSync(path.join(root, f), "utf8")));
  return [...shared, ...contracts];
}

/** Everything generated: repo-relative path → content. */
export function generatedFiles(root: string): Map<string, string> {
  const decls = loadDeclarations(root, declarationFiles(root));
  const files = generateCodecs(decls);
  files.set("src/contracts/errors.ts", errorCatalogueModule(loadErrorCatalogues(root)));
  return files;
}

/** Writes the generated files (or, with check, only compares); returns the paths that were (or would be) changed. */
export function writeGenerated(root: string, options: { check?: boolean } = {}): string[] {
  const changed: string[] = [];
  for (const [file, content] of generatedFiles(root)) {
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
