// The contracts' cw2 version is the package's, and the kept release builds are the ones the README lists.
import { createHash } from "crypto";
import { readFileSync } from "fs";
import * as path from "path";

const root = path.join(__dirname, "../..");

it("the contracts' cw2 version is package.json's version", () => {
  const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { version: string };
  const source = readFileSync(path.join(root, "assembly/shared/version.ts"), "utf8");
  expect(/CONTRACTS_VERSION = "([^"]+)"/.exec(source)?.[1]).toBe(pkg.version);
});

it("the v0.1.0 release builds match the checksums in their README", () => {
  const dir = path.join(root, "tests/fixtures/releases/v0.1.0");
  const readme = readFileSync(path.join(root, "tests/fixtures/releases/README.md"), "utf8");
  for (const name of ["ilp", "mesh-consumer", "mesh-provider", "meta-staking"]) {
    const sha = createHash("sha256").update(readFileSync(path.join(dir, `${name}.wasm`))).digest("hex");
    expect(readme).toContain(`${sha}  ${name}.wasm`);
  }
});
