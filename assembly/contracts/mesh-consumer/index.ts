// mesh-consumer entry points (the wasm exports). Logic lives in contract.ts and ibc.ts.
import {
  doExecute, doIbcChannel, doIbcSourceCallback, doIbcChannelOpen, doIbcPacketAck, doIbcPacketReceive, doIbcPacketTimeout, doInstantiate, doMigrate, doQuery, doReply,
} from "../../sdk";
import * as contract from "./contract";
import * as ibc from "./ibc";
import * as rewards from "./rewards";

export { allocate, deallocate, interface_version_8 } from "../../sdk";

export function instantiate(env: u32, info: u32, msg: u32): u32 { return doInstantiate(env, info, msg, contract.instantiate); }
export function execute(env: u32, info: u32, msg: u32): u32 { return doExecute(env, info, msg, contract.execute); }
export function query(env: u32, msg: u32): u32 { return doQuery(env, msg, contract.query); }
export function ibc_channel_open(env: u32, msg: u32): u32 { return doIbcChannelOpen(env, msg, ibc.ibcChannelOpen); }
export function ibc_channel_connect(env: u32, msg: u32): u32 { return doIbcChannel(env, msg, ibc.ibcChannelConnect); }
export function ibc_channel_close(env: u32, msg: u32): u32 { return doIbcChannel(env, msg, ibc.ibcChannelClose); }
export function ibc_packet_receive(env: u32, msg: u32): u32 { return doIbcPacketReceive(env, msg, ibc.ibcPacketReceive); }
export function ibc_packet_ack(env: u32, msg: u32): u32 { return doIbcPacketAck(env, msg, ibc.ibcPacketAck); }
export function ibc_packet_timeout(env: u32, msg: u32): u32 { return doIbcPacketTimeout(env, msg, ibc.ibcPacketTimeout); }
export function ibc_source_callback(env: u32, msg: u32): u32 { return doIbcSourceCallback(env, msg, rewards.ibcSourceCallback); }
export function reply(env: u32, msg: u32): u32 { return doReply(env, msg, contract.reply); }
export function migrate(env: u32, msg: u32): u32 { return doMigrate(env, msg, contract.migrate); }
