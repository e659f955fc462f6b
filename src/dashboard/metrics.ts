// The dashboard's state as Prometheus metrics (text exposition format 0.0.4) for alerting: chain reachability and
// height, channel state, packet backlog, light-client time to expiry, remote stake per validator, the consumer's
// delegation against its allowance and cap, and the local share.
import { localShare } from "../deploy/status";
import { DashboardState } from "./collect";

type Labels = Record<string, string>;

/** Label values escaped as the format requires (backslash, double quote, newline). */
const escape = (v: string) => v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
const labels = (l: Labels) => {
  const parts = Object.entries(l).map(([k, v]) => `${k}="${escape(v)}"`);
  return parts.length ? `{${parts.join(",")}}` : "";
};

class Exposition {
  private readonly lines: string[] = [];
  private readonly declared = new Set<string>();

  add(name: string, help: string, type: "gauge", l: Labels, value: number): void {
    if (!this.declared.has(name)) {
      this.declared.add(name);
      this.lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    }
    this.lines.push(`${name}${labels(l)} ${Number.isFinite(value) ? value : "NaN"}`);
  }

  text(): string {
    return `${this.lines.join("\n")}\n`;
  }
}

export function toPrometheus(state: DashboardState): string {
  const e = new Exposition();
  const consumers = new Set<string>();
  for (const c of state.chains) {
    e.add("mesh_chain_up", "1 when the chain's RPC answers", "gauge", { chain: c.chainId }, c.reachable ? 1 : 0);
    if (c.height !== undefined) e.add("mesh_chain_height", "Latest block height", "gauge", { chain: c.chainId }, c.height);
  }
  for (const l of state.links) {
    const link = { provider: l.provider, consumer: l.consumer };
    e.add("mesh_channel_open", "1 when the mesh channel is open on both ends", "gauge", link, l.channel?.state === "open" ? 1 : 0);
    if (l.pendingPackets) {
      e.add("mesh_packets_pending", "Packets sent and not yet received on the other chain", "gauge", { ...link, to: l.consumer }, l.pendingPackets.toConsumer);
      e.add("mesh_packets_pending", "Packets sent and not yet received on the other chain", "gauge", { ...link, to: l.provider }, l.pendingPackets.toProvider);
    }
    if (l.validators) e.add("mesh_validator_set_in_sync", "1 when the provider knows the consumer's bonded set", "gauge", link, l.validators.inSync ? 1 : 0);
    for (const lc of l.lightClients) {
      e.add("mesh_light_client_seconds_to_expiry", "Seconds until the light client expires unless updated", "gauge",
        { ...link, chain: lc.chain, client: lc.clientId }, Math.round((lc.expiresAtMs - state.generatedAtMs) / 1000));
    }
    for (const v of l.validatorSet ?? []) {
      const vl = { consumer: l.consumer, validator: v.validator };
      e.add("mesh_validator_remote_stake", "What meta-staking holds on the validator for all consumers", "gauge", vl, Number(v.remoteStake));
      e.add("mesh_validator_jailed", "1 when the validator is jailed", "gauge", vl, v.jailed ? 1 : 0);
      e.add("mesh_validator_slash_events", "Slash events meta-staking observed on the validator", "gauge", vl, v.slashSeq);
    }
    for (const c of l.solvency?.checks ?? []) {
      e.add("mesh_solvency_ok", "1 when the books of a link agree (docs/dashboard.md)", "gauge", { ...link, check: c.name }, c.ok ? 1 : 0);
    }
    if (l.consumerDelegated !== undefined) e.add("mesh_consumer_delegated", "The consumer's delegations through meta-staking", "gauge", link, Number(l.consumerDelegated));
    if (l.allowance !== undefined) e.add("mesh_consumer_allowance", "meta-staking's allowance for the consumer", "gauge", link, Number(l.allowance));
    const econ = l.economics;
    if (econ) {
      e.add("mesh_price_available", "1 while the consumer has a price for new stake", "gauge", link, econ.price === null ? 0 : 1);
      if (econ.price !== null) e.add("mesh_price", "Consumer tokens per provider token", "gauge", link, Number(econ.price));
      e.add("mesh_power_factor", "The factor the power rules scale the consumer's stake by", "gauge", link, Number(econ.factor));
      if (econ.cap !== null) e.add("mesh_power_cap", "The most the consumer may hold (max_power_share)", "gauge", link, Number(econ.cap));
      const share = localShare(econ);
      if (share !== null && !consumers.has(l.consumer)) e.add("mesh_local_share", "The chain's own share of its bonded stake", "gauge", { consumer: l.consumer }, share);
      consumers.add(l.consumer);
    }
  }
  e.add("mesh_dashboard_generated_timestamp_seconds", "When these values were read", "gauge", {}, Math.floor(state.generatedAtMs / 1000));
  return e.text();
}
