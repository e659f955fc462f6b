// cw2 contract info: `{"contract":"<name>","version":"<semver>"}` under the storage key "contract_info", the layout
// explorers and tooling read to tell what code a contract runs. Migrations check it: same contract, never a downgrade.
import { fail } from "./error";
import { cannotDowngrade, cannotMigrateOtherContract, invalidContractVersion } from "./errors";
import { JsonValue, JsonWriter } from "./json";
import { Item } from "./storage";

export class ContractVersion {
  constructor(public contract: string, public version: string) {}
}

export const CONTRACT_INFO = new Item<ContractVersion>(
  "contract_info",
  (c: ContractVersion, w: JsonWriter): void => { w.beginObject().key("contract").string(c.contract).key("version").string(c.version).endObject(); },
  (j: JsonValue): ContractVersion => new ContractVersion(j.get("contract")!.text, j.get("version")!.text),
);

export function setContractVersion(contract: string, version: string): void {
  CONTRACT_INFO.save(new ContractVersion(contract, version));
}

/** major.minor.patch as three numbers, or null for anything else (pre-release tags are not used here). */
function parseSemver(version: string): i64[] | null {
  const parts = version.split(".");
  if (parts.length != 3) return null;
  const out = new Array<i64>();
  for (let i = 0; i < 3; i++) {
    const p = parts[i];
    if (p.length == 0 || p.length > 9 || (p.length > 1 && p.charCodeAt(0) == 0x30)) return null;
    let n: i64 = 0;
    for (let j = 0; j < p.length; j++) {
      const d = p.charCodeAt(j) - 0x30;
      if (d < 0 || d > 9) return null;
      n = n * 10 + d;
    }
    out.push(n);
  }
  return out;
}

/** -1, 0 or 1 as a is older, equal or newer than b (both valid semver). */
function compareSemver(a: i64[], b: i64[]): i32 {
  for (let i = 0; i < 3; i++) {
    if (a[i] < b[i]) return -1;
    if (a[i] > b[i]) return 1;
  }
  return 0;
}

/**
 * Checks that a migration to (`contract`, `version`) is allowed. Returns the stored info — version "0.0.0" when the
 * contract predates cw2 (the caller decides whether its state is recognisably its own) — or null with an error
 * recorded.
 */
export function checkMigration(contract: string, version: string): ContractVersion | null {
  const stored = CONTRACT_INFO.may_load();
  if (stored == null) return new ContractVersion(contract, "0.0.0");
  if (stored.contract != contract) {
    return fail<ContractVersion>(cannotMigrateOtherContract(contract, stored.contract));
  }
  const from = parseSemver(stored.version);
  const to = parseSemver(version);
  if (from == null || to == null) return fail<ContractVersion>(invalidContractVersion(from == null ? stored.version : version));
  if (compareSemver(to, from) < 0) return fail<ContractVersion>(cannotDowngrade(contract, stored.version, version));
  return stored;
}
