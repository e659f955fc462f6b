// Submitting a proposal file, depositing, voting, and waiting for the outcome, signed with the chain's configured
// key. A failed proposal reports the chain's failed_reason (SDK 0.50), e.g. the contract's error message.
import { calculateFee } from "@cosmjs/stargate";
import { BinaryReader } from "cosmjs-types/binary";
import { MsgDeposit, MsgVote } from "cosmjs-types/cosmos/gov/v1/tx";
import { Proposal, ProposalStatus, VoteOption } from "cosmjs-types/cosmos/gov/v1/gov";
import { QueryParamsRequest, QueryParamsResponse, QueryProposalRequest } from "cosmjs-types/cosmos/gov/v1/query";
import { MeshError, explainTxError } from "./errors";
import { ProposalJson, msgSubmitProposal050Type, parseDeposit, submitProposalMsg } from "./proposal";
import { ChainSession } from "./session";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const VOTE_OPTIONS: Record<string, VoteOption> = {
  yes: VoteOption.VOTE_OPTION_YES,
  no: VoteOption.VOTE_OPTION_NO,
  abstain: VoteOption.VOTE_OPTION_ABSTAIN,
  no_with_veto: VoteOption.VOTE_OPTION_NO_WITH_VETO,
};

export function voteOption(name: string): VoteOption {
  const option = VOTE_OPTIONS[name.toLowerCase()];
  if (option === undefined) throw new MeshError(`vote must be one of ${Object.keys(VOTE_OPTIONS).join(", ")}, got "${name}"`);
  return option;
}

export interface GovParams {
  minDeposit: string;
  expeditedMinDeposit: string;
  votingPeriodSeconds: number;
  expeditedVotingPeriodSeconds: number;
}

/** gov params including SDK 0.50's expedited fields (unknown to cosmjs-types 0.9, read from the raw response). */
export async function govParams(s: ChainSession): Promise<GovParams> {
  const res = await s.query.queryAbci("/cosmos.gov.v1.Query/Params", QueryParamsRequest.encode({ paramsType: "" }).finish());
  const params = QueryParamsResponse.decode(res.value).params;
  const coins = (cs: { denom: string; amount: string }[] | undefined) => (cs ?? []).map((c) => `${c.amount}${c.denom}`).join(",");
  // Params is field 4 of the response; inside it expedited_voting_period is 10 (Duration), expedited_min_deposit 12.
  let expeditedVotingPeriodSeconds = 0;
  const expeditedMinDeposit: { denom: string; amount: string }[] = [];
  forEachField(res.value, (field, r) => {
    if (field !== 4) return false;
    forEachField(r.bytes(), (f, pr) => {
      if (f === 10) forEachField(pr.bytes(), (df, dr) => (df === 1 ? ((expeditedVotingPeriodSeconds = Number(dr.int64())), true) : false));
      else if (f === 12) {
        const coin = { denom: "", amount: "" };
        forEachField(pr.bytes(), (cf, cr) => (cf === 1 ? ((coin.denom = cr.string()), true) : cf === 2 ? ((coin.amount = cr.string()), true) : false));
        expeditedMinDeposit.push(coin);
      } else return false;
      return true;
    });
    return true;
  });
  return {
    minDeposit: coins(params?.minDeposit),
    expeditedMinDeposit: coins(expeditedMinDeposit),
    votingPeriodSeconds: Number(params?.votingPeriod?.seconds ?? 0n),
    expeditedVotingPeriodSeconds,
  };
}

/** Calls `visit` for each top-level field; `visit` returns true when it consumed the value, else it is skipped. */
function forEachField(bytes: Uint8Array, visit: (field: number, r: BinaryReader) => boolean): void {
  const r = new BinaryReader(bytes);
  while (r.pos < r.len) {
    const [field, wireType] = r.tag();
    if (!visit(field, r)) r.skipType(wireType);
  }
}

export interface ProposalState {
  id: number;
  status: ProposalStatus;
  statusName: string;
  votingEnd?: Date;
  /** Why execution failed (SDK 0.50 Proposal.failed_reason, field 15). */
  failedReason: string;
}

export async function proposalState(s: ChainSession, id: number): Promise<ProposalState> {
  const res = await s.query.queryAbci("/cosmos.gov.v1.Query/Proposal", QueryProposalRequest.encode({ proposalId: BigInt(id) }).finish());
  let raw: Uint8Array | undefined;
  forEachField(res.value, (f, r) => (f === 1 ? ((raw = r.bytes()), true) : false));
  if (!raw) throw new MeshError(`proposal ${id} not found on ${s.spec.id}`);
  const p = Proposal.decode(raw);
  let failedReason = "";
  forEachField(raw, (f, r) => (f === 15 ? ((failedReason = r.string()), true) : false));
  const statusName = ProposalStatus[p.status]?.replace("PROPOSAL_STATUS_", "").toLowerCase() ?? String(p.status);
  const end = p.votingEndTime ? new Date(Number(p.votingEndTime.seconds) * 1000) : undefined;
  return { id, status: p.status, statusName, votingEnd: end, failedReason };
}

function eventAttr(events: readonly { type: string; attributes: readonly { key: string; value: string }[] }[], type: string, key: string): string | undefined {
  return events.find((e) => e.type === type)?.attributes.find((a) => a.key === key)?.value;
}

export async function submitProposal(s: ChainSession, proposal: ProposalJson): Promise<number> {
  s.client.registry.register("/cosmos.gov.v1.MsgSubmitProposal", msgSubmitProposal050Type);
  try {
    const res = await s.client.signAndBroadcast(s.address, [submitProposalMsg(proposal, s.address)], 1.5);
    if (res.code !== 0) throw new Error(res.rawLog ?? `code ${res.code}`);
    const id = eventAttr(res.events, "submit_proposal", "proposal_id");
    if (!id) throw new Error("no proposal_id in the submit_proposal event");
    return Number(id);
  } catch (e) {
    throw explainTxError(e, { chainId: s.spec.id, signer: s.address, action: `submitting proposal "${proposal.title}"` });
  }
}

const govFee = (s: ChainSession) => calculateFee(300_000, s.gasPrice);

export async function vote(s: ChainSession, id: number, option: VoteOption): Promise<void> {
  const res = await s.client.signAndBroadcast(s.address, [{
    typeUrl: "/cosmos.gov.v1.MsgVote",
    value: MsgVote.fromPartial({ proposalId: BigInt(id), voter: s.address, option, metadata: "" }),
  }], govFee(s)).catch((e) => { throw explainTxError(e, { chainId: s.spec.id, signer: s.address, action: `vote on proposal ${id}` }); });
  if (res.code !== 0) throw new MeshError(`vote on proposal ${id} on ${s.spec.id} failed: ${res.rawLog}`);
}

export async function deposit(s: ChainSession, id: number, amount: string): Promise<void> {
  const res = await s.client.signAndBroadcast(s.address, [{
    typeUrl: "/cosmos.gov.v1.MsgDeposit",
    value: MsgDeposit.fromPartial({ proposalId: BigInt(id), depositor: s.address, amount: parseDeposit(amount) }),
  }], govFee(s)).catch((e) => { throw explainTxError(e, { chainId: s.spec.id, signer: s.address, action: `deposit on proposal ${id}` }); });
  if (res.code !== 0) throw new MeshError(`deposit on proposal ${id} on ${s.spec.id} failed: ${res.rawLog}`);
}

/** Polls until the proposal passes; a rejected or failed proposal is an error carrying the chain's reason. */
export async function waitForProposal(s: ChainSession, id: number, log: (line: string) => void, timeoutMs?: number): Promise<ProposalState> {
  const t0 = Date.now();
  let lastNote = 0;
  for (;;) {
    const st = await proposalState(s, id);
    if (st.status === ProposalStatus.PROPOSAL_STATUS_PASSED) {
      log(`[${s.spec.id}] proposal ${id} passed (${((Date.now() - t0) / 1000).toFixed(1)}s)`);
      return st;
    }
    if (st.status === ProposalStatus.PROPOSAL_STATUS_REJECTED || st.status === ProposalStatus.PROPOSAL_STATUS_FAILED) {
      throw new MeshError(`proposal ${id} on ${s.spec.id} ${st.statusName}${st.failedReason ? `: ${st.failedReason}` : ""}`);
    }
    const limit = timeoutMs ?? (st.votingEnd ? Math.max(60_000, st.votingEnd.getTime() - Date.now() + 60_000) : 600_000);
    if (Date.now() - t0 > limit) throw new MeshError(`proposal ${id} on ${s.spec.id} is still ${st.statusName} after ${Math.round(limit / 1000)}s`);
    if (Date.now() - lastNote > 30_000) {
      lastNote = Date.now();
      log(`[${s.spec.id}] proposal ${id}: ${st.statusName}${st.votingEnd ? `, voting ends ${st.votingEnd.toISOString()}` : ""}`);
    }
    await sleep(Math.max(250, s.spec.block_time_ms));
  }
}
