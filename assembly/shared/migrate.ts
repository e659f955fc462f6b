// The migrate rules every mesh-security contract follows: only from the same contract (by its cw2 name), never to an
// older version; a contract deployed before cw2 info existed must show its own state. Each contract's migrate
// upgrades its stored layout in O(1) (new fields decode with defaults) and then records the new version.
import { ContractVersion, Response, checkMigration, fail, parseJson, setContractVersion, storageGet, utf8 } from "../sdk";
import { notThisContractsState } from "./errors";
import { CONTRACTS_VERSION, contractName } from "./version";

/**
 * A contract without cw2 info (0.1.0) is recognised by the keys of its stored config, looked at as raw JSON only
 * after the name check: decoding another contract's state with this contract's decoders could abort.
 */
export function beginMigration(contract: string, configKeys: string[]): ContractVersion | null {
  const from = checkMigration(contractName(contract), CONTRACTS_VERSION);
  if (from == null) return null;
  if (from.version == "0.0.0" && !storedConfigHas(configKeys)) {
    return fail<ContractVersion>(notThisContractsState(contractName(contract)));
  }
  return from;
}

export function finishMigration(contract: string, from: ContractVersion): Response {
  setContractVersion(contractName(contract), CONTRACTS_VERSION);
  return new Response()
    .addAttribute("action", "migrate")
    .addAttribute("contract", contractName(contract))
    .addAttribute("from_version", from.version)
    .addAttribute("to_version", CONTRACTS_VERSION);
}

/** Whether the stored "config" item is an object with all of `keys`. */
function storedConfigHas(keys: string[]): bool {
  const raw = storageGet(utf8("config"));
  if (raw == null) return false;
  const json = parseJson(raw);
  if (json == null) return false;
  for (let i = 0; i < keys.length; i++) if (json.get(keys[i]) == null) return false;
  return true;
}

export function recordVersion(contract: string): void {
  setContractVersion(contractName(contract), CONTRACTS_VERSION);
}
