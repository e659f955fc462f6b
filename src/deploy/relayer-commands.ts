// For operators who relay with Hermes or the Go relayer: the commands that create the connection and the mesh
// channel, in the order the contracts need (the connection must exist before set_consumer / set_provider, and
// those before the channel handshake, which the contracts check against them).
import { MESH_VERSION } from "../protocol";
import { wasmPort } from "../relay/channel";

export type ExternalRelayer = "hermes" | "rly";

export interface PrintInput {
  provider: string;
  consumer: string;
  providerContract: string;
  consumerContract: string;
  /** Known connection ids (provider side, consumer side); without them only the connection step is printed. */
  connection?: { provider: string; consumer: string };
}

const pathName = (i: PrintInput) => `mesh-${i.provider}-${i.consumer}`;

export function connectionCommands(relayer: ExternalRelayer, i: PrintInput): string[] {
  if (relayer === "hermes") return [`hermes create connection --a-chain ${i.provider} --b-chain ${i.consumer}`];
  return [
    `rly paths new ${i.provider} ${i.consumer} ${pathName(i)}`,
    `rly transact clients ${pathName(i)}`,
    `rly transact connection ${pathName(i)}`,
  ];
}

export function channelCommands(relayer: ExternalRelayer, i: PrintInput & { connection: { provider: string; consumer: string } }): string[] {
  const [portA, portB] = [wasmPort(i.providerContract), wasmPort(i.consumerContract)];
  if (relayer === "hermes") {
    return [
      `hermes create channel --a-chain ${i.provider} --a-connection ${i.connection.provider} --a-port ${portA} --b-port ${portB} ` +
        `--channel-version ${MESH_VERSION} --order unordered`,
      `hermes start`,
    ];
  }
  return [
    `rly transact channel ${pathName(i)} --src-port ${portA} --dst-port ${portB} --order unordered --version ${MESH_VERSION}`,
    `rly start ${pathName(i)}`,
  ];
}

/** The whole plan as text: what to run now, and what comes next. */
export function printPlan(relayer: ExternalRelayer, i: PrintInput): string {
  const out: string[] = [];
  if (!i.connection) {
    out.push(`# 1. create the IBC connection between ${i.provider} (provider) and ${i.consumer} (consumer):`);
    out.push(...connectionCommands(relayer, i));
    out.push(`# 2. tell the contracts about it (sets the counterparties) and print the channel commands:`);
    out.push(`npx mesh connect ${i.provider} ${i.consumer} --connection <connection on ${i.provider}>,<connection on ${i.consumer}> --print ${relayer}`);
    return out.join("\n");
  }
  out.push(`# the contracts know connection ${i.connection.provider} (${i.provider}) / ${i.connection.consumer} (${i.consumer}); open the channel from the provider side and relay:`);
  out.push(...channelCommands(relayer, { ...i, connection: i.connection }));
  out.push(`# then check: npx mesh status   (channel open, validator set delivered)`);
  return out.join("\n");
}
