// Typed messages of the ILP contract (assembly/contracts/ilp), shared by tests, scripts and clients.
// The JSON shapes are pinned in tests/fixtures/ilp-messages.json.

export interface Coin {
  denom: string;
  amount: string;
}

export interface IlpInstantiateMsg {
  denom: string;
  /** Where slashed collateral goes; burned when absent. */
  slash_recipient?: string | null;
}

export type IlpExecuteMsg =
  | { bond: Record<string, never> }
  | { unbond: { amount: string } }
  | { grant_claim: { lienholder: string; amount: string; validator: string } }
  | { release_claim: { owner: string; amount: string } }
  | { slash_claim: { owner: string; amount: string } };

export type IlpQueryMsg =
  | { config: Record<string, never> }
  | { totals: Record<string, never> }
  | { account: { address: string } }
  | { all_accounts: { start_after?: string | null; limit?: number | null } };

export interface IlpConfigResponse {
  denom: string;
  slash_recipient: string | null;
}

export interface IlpTotalsResponse {
  bonded: string;
}

export interface IlpClaim {
  lienholder: string;
  amount: string;
}

export interface IlpAccountResponse {
  address: string;
  bonded: string;
  free: string;
  max_claim: string;
  claims: IlpClaim[];
}

export interface IlpAllAccountsResponse {
  accounts: IlpAccountResponse[];
}

/** Messages the ILP sends to a lienholder contract, which it must handle. */
export type LienholderNotification =
  | { receive_claim: { owner: string; amount: string; validator: string } }
  | { claim_capped: { owner: string; amount: string } };

export const ilpMsg = {
  bond: (): IlpExecuteMsg => ({ bond: {} }),
  unbond: (amount: bigint | string): IlpExecuteMsg => ({ unbond: { amount: amount.toString() } }),
  grantClaim: (lienholder: string, amount: bigint | string, validator: string): IlpExecuteMsg => ({
    grant_claim: { lienholder, amount: amount.toString(), validator },
  }),
  releaseClaim: (owner: string, amount: bigint | string): IlpExecuteMsg => ({ release_claim: { owner, amount: amount.toString() } }),
  slashClaim: (owner: string, amount: bigint | string): IlpExecuteMsg => ({ slash_claim: { owner, amount: amount.toString() } }),
};

export const ilpQuery = {
  config: (): IlpQueryMsg => ({ config: {} }),
  totals: (): IlpQueryMsg => ({ totals: {} }),
  account: (address: string): IlpQueryMsg => ({ account: { address } }),
  allAccounts: (startAfter?: string, limit?: number): IlpQueryMsg => ({
    all_accounts: { start_after: startAfter ?? null, limit: limit ?? null },
  }),
};
