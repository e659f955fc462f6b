// Typed TypeScript clients from the schemas, by @cosmwasm/ts-codegen (the CosmJS generation, 0.35): per contract
// <Name>.types.ts (messages and responses), <Name>.client.ts (query and signing clients over CosmJS) and
// <Name>.message-builder.ts (plain message objects, for the in-process host). Written to src/contracts/.
import codegen from "@cosmwasm/ts-codegen";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export const CLIENTS_DIR = "src/contracts";

/** Generated client files (repo-relative path → content) for the given schema/<contract>.json files. */
export async function generateClients(root: string, schemas: Map<string, string>): Promise<Map<string, string>> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-ts-codegen-"));
  try {
    const contracts = [...schemas].map(([file, content]) => {
      const name = path.basename(file, ".json");
      // ts-codegen reads one IDL file per directory.
      const dir = path.join(work, "schema", name);
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, `${name}.json`), content);
      return { name, dir };
    });
    const out = path.join(work, "out");
    // ts-codegen logs every file it writes; keep the codegen output to our own summary.
    const log = console.log;
    console.log = () => undefined;
    try {
      await codegen({
        contracts,
        outPath: out,
        options: {
          bundle: { enabled: false },
          types: { enabled: true },
          client: { enabled: true },
          messageBuilder: { enabled: true },
          messageComposer: { enabled: false },
          reactQuery: { enabled: false },
          recoil: { enabled: false },
        },
      });
    } finally {
      console.log = log;
    }
    // The header names ts-codegen's version, which it cannot always find itself (it writes "latest" under jest).
    const version = JSON.parse(fs.readFileSync(require.resolve("@cosmwasm/ts-codegen/package.json"), "utf8")).version as string;
    const files = new Map<string, string>();
    for (const f of fs.readdirSync(out).sort()) {
      const content = fs.readFileSync(path.join(out, f), "utf8").replace(/@cosmwasm\/ts-codegen@[^\s.]+(\.[0-9]+)*\./, `@cosmwasm/ts-codegen@${version}.`);
      files.set(`${CLIENTS_DIR}/${f}`, content);
    }
    return files;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
