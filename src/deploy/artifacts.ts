// The four shipped contracts as an operator deploys them: bytes plus sha256 (the checksum a chain reports as the
// code's data hash), checked against artifacts/checksums.txt so a stale or tampered file is never uploaded.
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { MeshError } from "./errors";

export const MESH_CONTRACTS = ["ilp", "mesh-provider", "meta-staking", "mesh-consumer", "local-staking"] as const;
export type MeshContract = (typeof MESH_CONTRACTS)[number];

export interface Artifact {
  name: MeshContract;
  file: string;
  wasm: Uint8Array;
  /** Lowercase hex sha256 of the (uncompressed) wasm. */
  checksum: string;
}

export const sha256Hex = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex");

export function isMeshContract(name: string): name is MeshContract {
  return (MESH_CONTRACTS as readonly string[]).includes(name);
}

export function parseContractList(list: string): MeshContract[] {
  const names = list.split(",").map((s) => s.trim()).filter(Boolean);
  for (const n of names) if (!isMeshContract(n)) throw new MeshError(`unknown contract "${n}" (contracts: ${MESH_CONTRACTS.join(", ")})`);
  return names as MeshContract[];
}

/** checksums.txt ("<sha256>  <file>" per line) as file name → checksum. */
export function readChecksums(dir: string): Map<string, string> {
  const file = path.join(dir, "checksums.txt");
  const out = new Map<string, string>();
  if (!fs.existsSync(file)) return out;
  for (const line of fs.readFileSync(file, "utf8").split("\n")) {
    const m = /^([0-9a-f]{64})\s+\*?(\S+)$/.exec(line.trim());
    if (m) out.set(m[2], m[1]);
  }
  return out;
}

export function loadArtifact(dir: string, name: MeshContract): Artifact {
  const file = path.join(dir, `${name}.wasm`);
  if (!fs.existsSync(file)) throw new MeshError(`${file} is missing: build the contracts first (npm run build)`);
  const wasm = fs.readFileSync(file);
  const checksum = sha256Hex(wasm);
  const listed = readChecksums(dir).get(`${name}.wasm`);
  if (listed !== undefined && listed !== checksum) {
    throw new MeshError(`${file} has sha256 ${checksum} but ${path.join(dir, "checksums.txt")} lists ${listed}: rebuild (npm run build)`);
  }
  return { name, file, wasm, checksum };
}
