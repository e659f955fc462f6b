// Connecting a provider and a consumer: IBC connection (new light clients, or the recorded connection while its
// clients are still active), each contract told its counterparty (set_consumer / set_provider), the
// mesh-security-v1 channel opened from the provider side, one relay round so the consumer's validator set
// reaches the provider, and the ICS-20 channel rewards travel on. Each step is skipped when the chain already shows it done.
import { State } from "cosmjs-types/ibc/core/channel/v1/channel";
import { MeshConsumerQueryClient } from "../contracts/MeshConsumer.client";
import { MeshConsumerExecuteMsgBuilder } from "../contracts/MeshConsumer.message-builder";
import { MeshProviderQueryClient } from "../contracts/MeshProvider.client";
import { MeshProviderExecuteMsgBuilder } from "../contracts/MeshProvider.message-builder";
import { MESH_VERSION } from "../protocol";
import { Link, RelayEndpoint, closeLink, connectChains, linkIds, openChannel, relayAll, reuseLink, wasmPort } from "../relay";
import { ChainSpec, MeshConfig, MeshLinkSpec, meshLink } from "./config";
import { MeshError } from "./errors";
import { adminExecute } from "./instantiate";
import { LinkRecord, RecordFile } from "./record";
import { ChainSession, Sessions } from "./session";

type Log = (line: string) => void;

export const relayEndpoint = (spec: ChainSpec): RelayEndpoint => ({
  chainId: spec.id, rpcUrl: spec.rpc, prefix: spec.prefix, gasPrice: spec.gas_price, blockTimeMs: spec.block_time_ms,
});

interface Counterparty {
  connection_id: string;
  port_id: string;
}

function contractsOf(lr: LinkRecord): { provider: string; consumer: string } {
  if (!lr.mesh_provider || !lr.mesh_consumer) {
    throw new MeshError(`${lr.provider} -> ${lr.consumer}: the mesh contracts are not instantiated yet (mesh instantiate, or mesh deploy)`);
  }
  return { provider: lr.mesh_provider, consumer: lr.mesh_consumer };
}

/** The recorded connection when both light clients are still Active; otherwise a new one. */
async function ensureConnection(p: ChainSession, c: ChainSession, lr: LinkRecord, log: Log): Promise<Link> {
  const opts = { walletA: p.wallet, walletB: c.wallet };
  if (lr.connection) {
    try {
      const link = await reuseLink(relayEndpoint(p.spec), relayEndpoint(c.spec), lr.connection.provider, lr.connection.consumer, opts);
      log(`[${lr.provider} <-> ${lr.consumer}] connection ${lr.connection.provider}/${lr.connection.consumer} reused`);
      return link;
    } catch (e) {
      // Only a channel the contracts still use ties us to this connection (after a chain reset they are new).
      if (lr.channel && (await meshChannel(p, c, lr).catch(() => undefined))) {
        throw new MeshError(
          `${lr.provider} <-> ${lr.consumer}: the mesh channel ${lr.channel.provider}/${lr.channel.consumer} runs over connection ` +
            `${lr.connection.provider}/${lr.connection.consumer}, which cannot be used any more (${(e as Error).message.split("\n")[0]}). ` +
            `Its light clients must be recovered by governance (client substitution); see docs/testnet.md.`,
        );
      }
      log(`[${lr.provider} <-> ${lr.consumer}] recorded connection not usable (${(e as Error).message.split("\n")[0]}), creating a new one`);
    }
  }
  const t0 = Date.now();
  log(`[${lr.provider} <-> ${lr.consumer}] creating light clients and a connection…`);
  const link = await connectChains(relayEndpoint(p.spec), relayEndpoint(c.spec), opts);
  const ids = linkIds(link);
  log(`[${lr.provider} <-> ${lr.consumer}] connection ${ids.connA}/${ids.connB} open in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  return link;
}

const sameCounterparty = (x: Counterparty | null | undefined, y: Counterparty) => !!x && x.connection_id === y.connection_id && x.port_id === y.port_id;

/** Tells each contract its counterparty (skipped when already set). */
export async function setCounterparties(p: ChainSession, c: ChainSession, lr: LinkRecord, connection: { provider: string; consumer: string }, log: Log): Promise<void> {
  const contracts = contractsOf(lr);
  const wantConsumer = { connection_id: connection.provider, port_id: wasmPort(contracts.consumer) };
  const providerConfig = await new MeshProviderQueryClient(p.client, contracts.provider).config();
  if (sameCounterparty(providerConfig.consumer, wantConsumer)) log(`[${p.spec.id}] mesh-provider: consumer already set, skipped`);
  else {
    await adminExecute(p, contracts.provider, MeshProviderExecuteMsgBuilder.setConsumer({ connectionId: wantConsumer.connection_id, portId: wantConsumer.port_id }), "set_consumer");
    log(`[${p.spec.id}] mesh-provider: consumer set to ${wantConsumer.port_id} over ${wantConsumer.connection_id}`);
  }
  const wantProvider = { connection_id: connection.consumer, port_id: wasmPort(contracts.provider) };
  const consumerConfig = await new MeshConsumerQueryClient(c.client, contracts.consumer).config();
  if (sameCounterparty(consumerConfig.provider, wantProvider)) log(`[${c.spec.id}] mesh-consumer: provider already set, skipped`);
  else {
    await adminExecute(c, contracts.consumer, MeshConsumerExecuteMsgBuilder.setProvider({ connectionId: wantProvider.connection_id, portId: wantProvider.port_id }), "set_provider");
    log(`[${c.spec.id}] mesh-consumer: provider set to ${wantProvider.port_id} over ${wantProvider.connection_id}`);
  }
}

/** The open mesh channel as the contracts report it (whoever opened it: this tool, hermes or rly). */
export async function meshChannel(p: ChainSession, c: ChainSession, lr: LinkRecord): Promise<{ provider: string; consumer: string } | undefined> {
  const contracts = contractsOf(lr);
  const consumerSide = await new MeshConsumerQueryClient(c.client, contracts.consumer).channel();
  if (!consumerSide?.channel_id) return undefined;
  const onProvider = await p.query.ibc.channel.channel(wasmPort(contracts.provider), consumerSide.counterparty_channel_id).catch(() => undefined);
  if (onProvider?.channel?.state !== State.STATE_OPEN) return undefined;
  return { provider: consumerSide.counterparty_channel_id, consumer: consumerSide.channel_id };
}

export interface ConnectResult {
  /** Open link (the caller closes it with closeLink, or keeps relaying over it). */
  link: Link;
  channel: { provider: string; consumer: string };
  /** The ICS-20 channel the consumer's rewards travel on. */
  rewardChannel: { provider: string; consumer: string };
}

/**
 * Rewards travel over ICS-20 on the mesh connection (docs/rewards.md §2): a transfer channel of that connection, the
 * provider told to credit what arrives there, then the consumer told to send there (with the link's commission).
 * The channel is recorded as soon as it is open, so a deploy that stops for a governance proposal reuses it next time;
 * each contract is configured only when it does not name the channel (and commission) yet.
 */
export async function ensureRewardChannel(link: Link, p: ChainSession, c: ChainSession, record: RecordFile, lr: LinkRecord, spec: MeshLinkSpec, log: Log): Promise<{ provider: string; consumer: string }> {
  const contracts = contractsOf(lr);
  const tag = `[${lr.provider} <-> ${lr.consumer}]`;
  const isOpenPair = async (pair: { provider: string; consumer: string }) => {
    const end = await p.query.ibc.channel.channel("transfer", pair.provider).catch(() => undefined);
    return end?.channel?.state === State.STATE_OPEN && end.channel.counterparty?.channelId === pair.consumer;
  };
  let channel = lr.reward_channel && (await isOpenPair(lr.reward_channel)) ? lr.reward_channel : undefined;
  if (!channel) {
    log(`${tag} opening an ICS-20 channel for rewards…`);
    const opened = await openChannel(link, "transfer", "transfer", "ics20-1", "unordered");
    channel = { provider: opened.channelA, consumer: opened.channelB };
    lr.reward_channel = channel;
    record.save();
  }
  // The provider first: a transfer arriving before it knows the channel would be credited to nobody.
  const providerConfig = await new MeshProviderQueryClient(p.client, contracts.provider).config();
  if (providerConfig.reward_channel === channel.provider) log(`${tag} mesh-provider: reward channel already set, skipped`);
  else {
    await adminExecute(p, contracts.provider, MeshProviderExecuteMsgBuilder.setRewardChannel({ channelId: channel.provider }), "set_reward_channel");
    log(`${tag} mesh-provider: rewards arrive on transfer/${channel.provider}`);
  }
  const rewards = (await new MeshConsumerQueryClient(c.client, contracts.consumer).config()).rewards;
  const recipient = spec.reward_commission_recipient ?? null;
  if (rewards?.transfer_channel === channel.consumer && Number(rewards.commission) === Number(spec.reward_commission) &&
      (rewards.commission_recipient ?? null) === recipient) {
    log(`${tag} mesh-consumer: reward config already set, skipped`);
  } else {
    await adminExecute(c, contracts.consumer, MeshConsumerExecuteMsgBuilder.setRewardConfig({
      transferChannel: channel.consumer, commission: spec.reward_commission, commissionRecipient: spec.reward_commission_recipient,
    }), "set_reward_config");
    log(`${tag} mesh-consumer: rewards go over transfer/${channel.consumer} (commission ${spec.reward_commission})`);
  }
  return channel;
}

export async function connectMesh(config: MeshConfig, sessions: Sessions, record: RecordFile, provider: string, consumer: string, log: Log): Promise<ConnectResult> {
  const spec = meshLink(config, provider, consumer);
  const [p, c] = [await sessions.get(provider), await sessions.get(consumer)];
  const lr = record.link(provider, consumer);
  contractsOf(lr);
  const link = await ensureConnection(p, c, lr, log);
  try {
    const ids = linkIds(link);
    if (lr.connection?.provider !== ids.connA || lr.connection?.consumer !== ids.connB) {
      lr.connection = { provider: ids.connA, consumer: ids.connB };
      delete lr.channel;
      delete lr.reward_channel;
      record.save();
    }
    await setCounterparties(p, c, lr, lr.connection, log);
    let channel = await meshChannel(p, c, lr);
    if (channel) log(`[${provider} <-> ${consumer}] mesh channel ${channel.provider}/${channel.consumer} is open, skipped`);
    else {
      const contracts = contractsOf(lr);
      log(`[${provider} <-> ${consumer}] opening the ${MESH_VERSION} channel…`);
      const opened = await openChannel(link, wasmPort(contracts.provider), wasmPort(contracts.consumer), MESH_VERSION, "unordered");
      channel = { provider: opened.channelA, consumer: opened.channelB };
      log(`[${provider} <-> ${consumer}] mesh channel ${channel.provider}/${channel.consumer} open`);
    }
    lr.channel = channel;
    record.save();
    // The consumer announces its validator set when the channel opens; deliver it (and anything else pending).
    await relayAll(link);
    const rewardChannel = await ensureRewardChannel(link, p, c, record, lr, spec, log);
    return { link, channel, rewardChannel };
  } catch (e) {
    closeLink(link);
    throw e;
  }
}

/** connectMesh for every link of the config, closing each link afterwards. */
export async function connectAll(config: MeshConfig, sessions: Sessions, record: RecordFile, log: Log): Promise<void> {
  for (const l of config.mesh) closeLink((await connectMesh(config, sessions, record, l.provider, l.consumer, log)).link);
}
