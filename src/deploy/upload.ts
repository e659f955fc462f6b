// Storing the contracts' code: skipped when the chain already has code with the artifact's checksum (recorded, or
// stored by anybody, e.g. through a governance proposal); refused up front, with the proposal route named, when
// the chain only lets governance store code.
import { QueryParamsRequest, QueryParamsResponse } from "cosmjs-types/cosmwasm/wasm/v1/query";
import { AccessConfig, AccessType } from "cosmjs-types/cosmwasm/wasm/v1/types";
import { Artifact } from "./artifacts";
import { MeshError, explainTxError } from "./errors";
import { RecordFile } from "./record";
import { ChainSession } from "./session";

/** Whether `address` may store code under the chain's code_upload_access. */
export function uploadAllowed(access: AccessConfig | undefined, address: string): boolean {
  if (!access) return true;
  if (access.permission === AccessType.ACCESS_TYPE_EVERYBODY) return true;
  if (access.permission === AccessType.ACCESS_TYPE_ANY_OF_ADDRESSES) return access.addresses.includes(address);
  return false;
}

export async function codeUploadAccess(s: ChainSession): Promise<AccessConfig | undefined> {
  const res = await s.query.queryAbci("/cosmwasm.wasm.v1.Query/Params", QueryParamsRequest.encode({}).finish());
  return QueryParamsResponse.decode(res.value).params?.codeUploadAccess;
}

/** The lowercase hex checksum of code `codeId`, or undefined when the chain has no such code. */
export async function codeChecksum(s: ChainSession, codeId: number): Promise<string | undefined> {
  try {
    const details = await s.client.getCodeDetails(codeId);
    return details.checksum.toLowerCase();
  } catch (e) {
    if (/not found|no such code/i.test((e as Error).message)) return undefined;
    throw e;
  }
}

/** The newest code on the chain with this checksum. */
export async function findCodeByChecksum(s: ChainSession, checksum: string): Promise<number | undefined> {
  const codes = await s.client.getCodes();
  const same = codes.filter((c) => c.checksum.toLowerCase() === checksum);
  return same.length ? Math.max(...same.map((c) => c.id)) : undefined;
}

export type UploadOutcome = "recorded" | "found" | "stored";

export async function ensureCode(
  s: ChainSession, record: RecordFile, artifact: Artifact, log: (line: string) => void,
): Promise<{ codeId: number; outcome: UploadOutcome }> {
  const chainId = s.spec.id;
  const codes = record.chain(chainId).codes;
  const known = codes[artifact.name];
  if (known && known.checksum === artifact.checksum && (await codeChecksum(s, known.code_id)) === artifact.checksum) {
    log(`[${chainId}] ${artifact.name}: code ${known.code_id} already stored (sha256 ${artifact.checksum.slice(0, 12)}…), skipped`);
    return { codeId: known.code_id, outcome: "recorded" };
  }
  const found = await findCodeByChecksum(s, artifact.checksum);
  if (found !== undefined) {
    codes[artifact.name] = { code_id: found, checksum: artifact.checksum };
    record.save();
    log(`[${chainId}] ${artifact.name}: code ${found} on chain has the same sha256, recorded, not uploaded again`);
    return { codeId: found, outcome: "found" };
  }
  if (!uploadAllowed(await codeUploadAccess(s), s.address)) {
    throw new MeshError(
      `upload of ${artifact.name} on ${chainId}: code upload is restricted to governance on this chain (wasm code_upload_access). ` +
        `Store it with a proposal instead: mesh propose store --chain ${chainId} --contracts ${artifact.name} --submit`,
    );
  }
  const t0 = Date.now();
  log(`[${chainId}] ${artifact.name}: uploading ${(artifact.wasm.length / 1024).toFixed(0)} KiB…`);
  let codeId: number;
  try {
    codeId = (await s.client.upload(s.address, artifact.wasm, s.fee, `mesh-security ${artifact.name}`)).codeId;
  } catch (e) {
    throw explainTxError(e, { chainId, signer: s.address, action: `upload of ${artifact.name}`, contract: artifact.name });
  }
  codes[artifact.name] = { code_id: codeId, checksum: artifact.checksum };
  record.save();
  log(`[${chainId}] ${artifact.name}: stored as code ${codeId} in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  return { codeId, outcome: "stored" };
}
