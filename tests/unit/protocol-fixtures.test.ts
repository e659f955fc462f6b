// Every message that crosses a contract or chain boundary, pinned byte for byte (Go parses them on chain), as
// produced by the shared AssemblyScript encoders (assembly/shared/) compiled into the SDK harness.
import { readFileSync } from "fs";
import * as path from "path";
import { Chain } from "../../src/host";
import { testContract } from "../helpers/artifacts";

const fixtures: Record<string, string> = JSON.parse(readFileSync(path.join(__dirname, "../fixtures/protocol.json"), "utf8"));

let chain: Chain;
let harness: string;

beforeAll(() => {
  chain = new Chain({ chainId: "fixtures", prefix: "wasm", bondDenom: "ustake" });
  const res = chain.instantiate(chain.addr("user"), chain.storeCode(testContract("sdk-harness")), {}, { label: "harness" });
  if (!res.ok) throw new Error(res.error);
  harness = res.address!;
});

const queryErr = (msg: unknown): string => {
  try {
    chain.query(harness, msg);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("expected the query to fail");
};

describe("protocol fixtures", () => {
  it("the shared encoders produce exactly the pinned JSON", () => {
    expect(chain.query(harness, { shared_encodings: {} })).toEqual(fixtures);
  });

  it.each(["stake_packet", "unstake_packet", "list_validators_packet"])("%s decodes and re-encodes unchanged", (name) => {
    expect(chain.queryRawResponse(harness, { decode_provider_packet: { input: fixtures[name] } })).toBe(fixtures[name]);
  });

  it.each([
    ['{"stake":{"tx_id":7,"validator":"v","amount":"1","extra":1}}', "stake.extra: unknown field"],
    ['{"stake":{"tx_id":"7","validator":"v","amount":"1"}}', "stake.tx_id: expected a number, got a string"],
    ['{"stake":{"tx_id":7,"validator":"v","amount":1}}', "stake.amount: expected a string, got a number"],
    ['{"bond":{}}', "Unknown variant: packet 'bond'; expected one of: stake, unstake, list_validators"],
    ["not json", "Invalid JSON"],
  ])("rejects packet %s", (input, error) => {
    expect(queryErr({ decode_provider_packet: { input } })).toContain(error);
  });

  it.each([
    ['{"result":"e30="}', { ok: true, result: "{}", error: "" }],
    ['{"error":"boom"}', { ok: false, result: "", error: "boom" }],
    ['{"error":"ABCI code: 5: error handling packet: see events for details"}', { ok: false, result: "", error: "ABCI code: 5: error handling packet: see events for details" }],
    ['{"result":"e30"}', { ok: false, result: "", error: "malformed acknowledgement" }],
    ['{"result":"e30=","x":1}', { ok: false, result: "", error: "malformed acknowledgement" }],
    ["\u0001", { ok: false, result: "", error: "malformed acknowledgement" }],
  ])("parses ack %j without ever failing", (input, parsed) => {
    expect(chain.query(harness, { parse_ack: { input } })).toEqual(parsed);
  });
});
