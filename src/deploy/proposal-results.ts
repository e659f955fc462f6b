// After a proposal passes, what it created is recorded like a direct deploy's results: stored code by the
// checksum of the wasm it carried, instantiated mesh contracts by their label (see plan.ts). Works the same for a
// proposal this tool wrote and for a file submitted with `mesh propose submit`.
import { gunzipSync } from "zlib";
import { instantiate2Address } from "@cosmjs/cosmwasm-stargate";
import { fromBase64, fromHex } from "@cosmjs/encoding";
import { MESH_CONTRACTS, MeshContract, loadArtifact, sha256Hex } from "./artifacts";
import { findContractByLabel } from "./instantiate";
import { labels } from "./plan";
import { ProposalJson } from "./proposal";
import { RecordFile } from "./record";
import { ChainSession } from "./session";
import { findCodeByChecksum } from "./upload";

function unzipped(bytes: Uint8Array): Uint8Array {
  return bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes;
}

/** Which mesh contract (and link counterparty) a label names. */
export function contractOfLabel(label: string): { contract: MeshContract; counterparty?: string } | undefined {
  if (label === labels.ilp()) return { contract: "ilp" };
  if (label === labels.metaStaking()) return { contract: "meta-staking" };
  if (label === labels.localStaking()) return { contract: "local-staking" };
  const p = /^mesh provider for (.+)$/.exec(label);
  if (p) return { contract: "mesh-provider", counterparty: p[1] };
  const c = /^mesh consumer for (.+)$/.exec(label);
  if (c) return { contract: "mesh-consumer", counterparty: c[1] };
  return undefined;
}

export async function recordPassedProposal(
  s: ChainSession, record: RecordFile, artifactsDir: string, proposal: ProposalJson, log: (line: string) => void,
): Promise<void> {
  const chainId = s.spec.id;
  const artifactByChecksum = new Map<string, MeshContract>();
  for (const name of MESH_CONTRACTS) {
    try {
      artifactByChecksum.set(loadArtifact(artifactsDir, name).checksum, name);
    } catch {
      /* not built here */
    }
  }
  for (const m of proposal.messages) {
    if (m["@type"] === "/cosmwasm.wasm.v1.MsgStoreCode") {
      const checksum = sha256Hex(unzipped(fromBase64(m.wasm_byte_code)));
      const id = await findCodeByChecksum(s, checksum);
      const name = artifactByChecksum.get(checksum);
      log(`[${chainId}] code with sha256 ${checksum.slice(0, 12)}… stored as code ${id ?? "?"}${name ? ` (${name}, recorded)` : ""}`);
      if (name && id !== undefined) record.chain(chainId).codes[name] = { code_id: id, checksum };
    } else if (m["@type"] === "/cosmwasm.wasm.v1.MsgInstantiateContract" || m["@type"] === "/cosmwasm.wasm.v1.MsgInstantiateContract2") {
      const codeId = Number(m.code_id);
      const address = m["@type"] === "/cosmwasm.wasm.v1.MsgInstantiateContract2"
        ? instantiate2Address(fromHex((await s.client.getCodeDetails(codeId)).checksum), m.sender, fromBase64(m.salt), s.spec.prefix)
        : await findContractByLabel(s, codeId, m.label, m.sender);
      const which = contractOfLabel(m.label);
      log(`[${chainId}] "${m.label}" instantiated at ${address ?? "?"}${which && address ? ", recorded" : ""}`);
      if (!which || !address) continue;
      if (which.contract === "ilp") record.chain(chainId).ilp = address;
      else if (which.contract === "meta-staking") record.chain(chainId).meta_staking = address;
      else if (which.contract === "local-staking") record.chain(chainId).local_staking = address;
      else if (which.contract === "mesh-provider") record.link(chainId, which.counterparty!).mesh_provider = address;
      else record.link(which.counterparty!, chainId).mesh_consumer = address;
    }
  }
  record.save();
}
