// Differential test: the same scenarios on the in-process host and on a real wasmd node must give the same
// transcript (outcomes, error messages, query results, balances). Where they differ, the host is wrong.
import { HostScenarioNetwork } from "../../src/scenario/host-backend";
import { WasmdScenarioNetwork } from "../../src/scenario/wasmd-backend";
import { IlpCodes, Transcript, ilpLifecycle } from "../../src/scenario/scenarios/ilp";
import { ScenarioChain } from "../../src/scenario/types";
import { artifact, testContract } from "../helpers/artifacts";
import { testChain } from "./helpers";

const codes: IlpCodes = {
  ilp: artifact("ilp"),
  lienholder: testContract("test-lienholder"),
};

const scenarios: { name: string; run: (chain: ScenarioChain) => Promise<Transcript> }[] = [
  { name: "ilp lifecycle", run: (chain) => ilpLifecycle(chain, codes) },
];

const wasmd = new WasmdScenarioNetwork([testChain("mesh-a")]);
afterAll(() => wasmd.close());

describe.each(scenarios)("$name", ({ run }) => {
  it("gives the same transcript on the host and on wasmd", async () => {
    const host = new HostScenarioNetwork(["mesh-a"]);
    const onHost = await run(host.chain("mesh-a"));
    const onChain = await run(wasmd.chain("mesh-a"));
    expect(onHost.steps.length).toBeGreaterThan(10);
    expect(onHost).toEqual(onChain);
  });
});
