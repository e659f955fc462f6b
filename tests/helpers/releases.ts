// Contract builds of earlier releases (tests/fixtures/releases/), for migration tests.
import { readFileSync } from "fs";
import * as path from "path";
import type { MeshCodes } from "../../src/scenario/scenarios/mesh";

export function releaseCodes(version: string): MeshCodes {
  const dir = path.join(__dirname, "../fixtures/releases", version);
  const read = (name: string) => readFileSync(path.join(dir, `${name}.wasm`));
  return { ilp: read("ilp"), provider: read("mesh-provider"), consumer: read("mesh-consumer"), metaStaking: read("meta-staking") };
}
