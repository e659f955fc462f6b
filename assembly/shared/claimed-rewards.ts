// What meta-staking paid a consumer contract in claim_rewards, read from the sub-message's reply: the
// MsgExecuteContractResponse's data is a RewardsResponse (per validator and denom, and where the next claim starts).
import { Reply, executeResponseData, fail, parseJson } from "../sdk";
import { RewardsResponse } from "./meta-staking";
import { decodeRewardsResponse } from "./meta-staking.codec";

const MSG_EXECUTE_RESPONSE = "/cosmwasm.wasm.v1.MsgExecuteContractResponse";

export function claimedRewards(reply: Reply): RewardsResponse | null {
  if (reply.msgResponses.length != 1 || reply.msgResponses[0].typeUrl != MSG_EXECUTE_RESPONSE) {
    return fail<RewardsResponse>("Unexpected claim_rewards response: expected one " + MSG_EXECUTE_RESPONSE);
  }
  const data = executeResponseData(reply.msgResponses[0].value);
  if (data == null) return null;
  return decodeRewardsResponse(parseJson(data), "claim_rewards data");
}
