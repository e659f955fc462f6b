// local-staking entry points (the wasm exports). Logic lives in contract.ts.
import { doExecute, doInstantiate, doMigrate, doQuery, doReply } from "../../sdk";
import * as contract from "./contract";

export { allocate, deallocate, interface_version_8 } from "../../sdk";

export function instantiate(env: u32, info: u32, msg: u32): u32 { return doInstantiate(env, info, msg, contract.instantiate); }
export function execute(env: u32, info: u32, msg: u32): u32 { return doExecute(env, info, msg, contract.execute); }
export function query(env: u32, msg: u32): u32 { return doQuery(env, msg, contract.query); }
export function migrate(env: u32, msg: u32): u32 { return doMigrate(env, msg, contract.migrate); }
export function reply(env: u32, msg: u32): u32 { return doReply(env, msg, contract.reply); }
