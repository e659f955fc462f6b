// The name and version every mesh-security contract stores as its cw2 contract info. The version is the package's
// (package.json), checked by tests/unit/contract-version.test.ts.
export const CONTRACTS_VERSION = "0.2.0";

export function contractName(contract: string): string {
  return "mesh-security:" + contract;
}
