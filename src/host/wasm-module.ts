// x/wasm for the host: contract instances, the entry-point calls with wasmd's Env/MessageInfo, response handling
// (events, sub-messages, replies) and WasmMsg / WasmQuery. Follows wasmd v0.54 (x/wasm/keeper/keeper.go,
// msg_dispatcher.go, events.go, handler_plugin_encoders.go, query_plugins.go).

import { classicContractAddress, predictableContractAddress, toBech32 } from "./address";
import { BankModule, NormCoin, normalizeWasmCoins } from "./bank";
import type { Ctx, DispatchResult, HostModule } from "./context";
import {
  JsonValue, ShapeError, decArray, decBinary, decObject, decOptString, decString, decU64, goString, isObject,
  parseJson,
} from "./json";
import { ContractResponse, SubMsg, SubMsgResult, parseQueryResult, parseResponseResult, protoBytesFields, replyJson } from "./messages";
import { PrefixStore, bytesToKey, utf8Key } from "./storage";
import { Coin, Errors, Event, HostError, RootError, VmError } from "./types";
import { VmStats, WasmCode, callEntryPoint } from "./vm";

export interface ContractInfo {
  address: string;
  codeId: number;
  creator: string;
  /** "" = no admin. */
  admin: string;
  label: string;
  /** "wasm.<address>" when the code has the IBC entry points, else "". */
  ibcPort: string;
  created: { height: number; txIndex: number | null };
}

export interface CodeInfo {
  codeId: number;
  creator: string;
  code: WasmCode;
}

/** wasmd DefaultMaxCallDepth. */
export const MAX_CALL_DEPTH = 100;

// Host-internal state layout: 0x03 ‖ canonical contract address ‖ key = contract storage (as wasmd),
// 0x04 ‖ address = contract info, 0x05 = instance sequence.
const CONTRACT_STORE = "\x03";
const CONTRACT_INFO = "\x04";
const SEQ_INSTANCE = "\x05instance";

export type WasmMsg =
  | { execute: { contract_addr: string; msg: Uint8Array; funds: Coin[] } }
  | { instantiate: { admin?: string; code_id: bigint; msg: Uint8Array; funds: Coin[]; label: string } }
  | { instantiate2: { admin?: string; code_id: bigint; label: string; msg: Uint8Array; funds: Coin[]; salt: Uint8Array } }
  | { migrate: { contract_addr: string; new_code_id: bigint; msg: Uint8Array } }
  | { update_admin: { contract_addr: string; admin: string } }
  | { clear_admin: { contract_addr: string } }
  | { unknown: true };

function decCoins(v: JsonValue | undefined, path: string): Coin[] {
  return decArray(v, path, "[]types.Coin").map((c, i) => {
    const o = decObject(c, `${path}[${i}]`, "types.Coin");
    return { denom: decString(o.denom, `${path}.denom`), amount: decString(o.amount, `${path}.amount`) };
  });
}

const enc = new TextEncoder();
const utf8 = (s: string) => enc.encode(s);

function isValidJson(b: Uint8Array): boolean {
  try {
    parseJson(Buffer.from(b).toString("utf8"));
    return true;
  } catch {
    return false;
  }
}

function ev(type: string, ...attrs: [string, string][]): Event {
  return { type, attributes: attrs.map(([key, value]) => ({ key, value })) };
}

/** Go's strings.TrimSpace (Unicode White_Space). */
function trimSpace(s: string): string {
  return s.replace(/^[\s\u0085]+|[\s\u0085]+$/g, "");
}

function byteCompare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

/** What a running contract reaches on its chain besides its own storage. */
export interface ContractHost {
  /** Answers `query_chain` (all modules, wasmd's QueryPlugins). */
  queryChain(ctx: Ctx, caller: string, request: Uint8Array): Uint8Array;
  readonly stats: VmStats;
  recordDebug(contract: string, entry: string, message: string): void;
}

export class WasmModule implements HostModule {
  readonly name = "wasm";
  readonly codes = new Map<number, CodeInfo>();

  constructor(private readonly bank: BankModule, private readonly host: ContractHost) {}

  // -- state ----------------------------------------------------------------------------------------------------

  contractInfo(ctx: Ctx, address: string): ContractInfo | undefined {
    const v = ctx.store.get(CONTRACT_INFO + utf8Key(address));
    return v === undefined ? undefined : (JSON.parse(Buffer.from(v).toString("utf8")) as ContractInfo);
  }

  private setContractInfo(ctx: Ctx, info: ContractInfo): void {
    ctx.store.set(CONTRACT_INFO + utf8Key(info.address), utf8(JSON.stringify(info)));
  }

  private nextInstanceId(ctx: Ctx): bigint {
    const v = ctx.store.get(SEQ_INSTANCE);
    const id = v === undefined ? 1n : BigInt(Buffer.from(v).toString("latin1"));
    ctx.store.set(SEQ_INSTANCE, new Uint8Array(Buffer.from((id + 1n).toString(), "latin1")));
    return id;
  }

  /** The contract's storage namespace in the current branch. */
  contractStore(ctx: Ctx, address: string): PrefixStore {
    const c = ctx.env.api.canonicalize(address);
    if ("error" in c) throw new Error(`bad contract address ${address}`);
    return new PrefixStore(ctx.store, CONTRACT_STORE + bytesToKey(c.ok));
  }

  storeCode(code: WasmCode, creator: string): number {
    const codeId = this.codes.size + 1;
    this.codes.set(codeId, { codeId, creator, code });
    return codeId;
  }

  private getCode(codeId: bigint | number): CodeInfo | undefined {
    const n = Number(codeId);
    return Number.isSafeInteger(n) ? this.codes.get(n) : undefined;
  }

  private requireContract(ctx: Ctx, address: string): { info: ContractInfo; code: CodeInfo } {
    const info = this.contractInfo(ctx, address);
    if (!info) {
      throw new HostError(`address ${address}: ${Errors.noSuchContract.description}`, "wasm", 22, false, false, { no_such_contract: { addr: address } });
    }
    return { info, code: this.codes.get(info.codeId)! };
  }

  // -- calls ----------------------------------------------------------------------------------------------------

  /** wasmd types.NewEnv in Go's JSON layout; `transaction` is null outside a tx. */
  envJson(ctx: Ctx, contract: string): Uint8Array {
    const c = ctx.env;
    const tx = ctx.txIndex === null ? "null" : `{"index":${ctx.txIndex}}`;
    return utf8(
      `{"block":{"height":${c.height},"time":"${c.timeNs}","chain_id":${goString(c.chainId)}},` +
        `"transaction":${tx},"contract":{"address":${goString(contract)}}}`,
    );
  }

  infoJson(sender: string, funds: NormCoin[]): Uint8Array {
    const coins = funds.map((f) => `{"denom":${goString(f.denom)},"amount":"${f.amount}"}`).join(",");
    return utf8(`{"sender":${goString(sender)},"funds":[${coins}]}`);
  }

  /**
   * Runs one entry point; VM errors become wasmd's ErrVMError ("…: wasmvm error", code 29), or `vmRoot` (the IBC
   * entry points wrap them in ErrExecuteFailed).
   */
  private call(
    ctx: Ctx, contract: string, code: WasmCode, entry: string, args: Uint8Array[], readonly: boolean, vmRoot: RootError = Errors.vmError,
  ): Uint8Array {
    const host = this.host;
    try {
      return callEntryPoint(
        code,
        entry,
        args,
        {
          store: this.contractStore(ctx, contract),
          readonly,
          api: ctx.env.api,
          query: (req) => host.queryChain(ctx, contract, req),
        },
        { stats: host.stats, debug: (m) => host.recordDebug(contract, entry, m) },
      );
    } catch (e) {
      if (e instanceof VmError) throw vmRoot.wrap(e.message, true);
      throw e;
    }
  }

  /**
   * Calls an IBC entry point (`ibc_channel_open`, `ibc_packet_receive`…) with (env, msg) and returns the raw result
   * bytes. wasmd reports a VM error of these calls as ErrExecuteFailed ("<vm error>: execute wasm contract failed",
   * code 5, `vm` set); the caller parses the result (see ibc/wasm-app.ts).
   */
  callIbcEntry(ctx: Ctx, contract: string, entry: string, msg: Uint8Array): Uint8Array {
    const { code } = this.requireContract(ctx, contract);
    return this.call(ctx, contract, code.code, entry, [this.envJson(ctx, contract), msg], false, Errors.executeFailed);
  }

  private parseResponse(ctx: Ctx, bytes: Uint8Array): { ok: ContractResponse } | { error: string } {
    try {
      return parseResponseResult(bytes, ctx.env.modules);
    } catch (e) {
      if (e instanceof VmError) throw Errors.vmError.wrap(e.message, true);
      throw e;
    }
  }

  instantiate(
    ctx: Ctx,
    codeId: bigint | number,
    creator: string,
    admin: string,
    msg: Uint8Array,
    label: string,
    funds: NormCoin[],
    salt?: Uint8Array,
  ): { address: string; data?: Uint8Array } {
    const code = this.getCode(codeId);
    if (!code) {
      throw new HostError(`code id ${codeId}: ${Errors.noSuchCode.description}`, "wasm", 28, false, false, { no_such_code: { code_id: BigInt(codeId) } });
    }
    const prefix = ctx.env.prefix;
    let address: string;
    if (salt === undefined) {
      address = toBech32(prefix, classicContractAddress(code.codeId, this.nextInstanceId(ctx)));
    } else {
      const creatorCanon = ctx.env.api.canonicalize(creator);
      if ("error" in creatorCanon) throw Errors.invalidAddress.wrap(creatorCanon.error).wrap("creator");
      address = toBech32(prefix, predictableContractAddress(code.code.checksum, creatorCanon.ok, salt));
    }
    if (this.contractInfo(ctx, address)) {
      throw Errors.duplicate.wrap("contract address already exists, try a different combination of creator, checksum and salt");
    }
    this.bank.send(ctx, creator, address, funds);

    const res = this.parseResponse(
      ctx,
      this.call(ctx, address, code.code, "instantiate", [this.envJson(ctx, address), this.infoJson(creator, funds), msg], false),
    );
    if ("error" in res) throw Errors.instantiateFailed.wrap(res.error).markDeterministic();

    this.setContractInfo(ctx, {
      address,
      codeId: code.codeId,
      creator,
      admin,
      label,
      ibcPort: code.code.hasIbcEntryPoints ? `wasm.${address}` : "",
      created: { height: ctx.env.height, txIndex: ctx.txIndex },
    });
    ctx.emit(ev("instantiate", ["_contract_address", address], ["code_id", String(code.codeId)]));
    try {
      return { address, data: this.handleContractResponse(ctx, address, res.ok) };
    } catch (e) {
      throw e instanceof HostError ? e.wrap("dispatch") : e;
    }
  }

  execute(ctx: Ctx, contract: string, caller: string, msg: Uint8Array, funds: NormCoin[]): Uint8Array | undefined {
    const { code } = this.requireContract(ctx, contract);
    this.bank.send(ctx, caller, contract, funds);
    const res = this.parseResponse(
      ctx,
      this.call(ctx, contract, code.code, "execute", [this.envJson(ctx, contract), this.infoJson(caller, funds), msg], false),
    );
    if ("error" in res) throw Errors.executeFailed.wrap(res.error).markDeterministic();
    ctx.emit(ev("execute", ["_contract_address", contract]));
    return this.handleContractResponse(ctx, contract, res.ok);
  }

  sudo(ctx: Ctx, contract: string, msg: Uint8Array): Uint8Array | undefined {
    const { code } = this.requireContract(ctx, contract);
    const res = this.parseResponse(ctx, this.call(ctx, contract, code.code, "sudo", [this.envJson(ctx, contract), msg], false));
    if ("error" in res) throw Errors.executeFailed.wrap(res.error).markDeterministic();
    ctx.emit(ev("sudo", ["_contract_address", contract]));
    try {
      return this.handleContractResponse(ctx, contract, res.ok);
    } catch (e) {
      throw e instanceof HostError ? e.wrap("dispatch") : e;
    }
  }

  migrate(ctx: Ctx, contract: string, caller: string, newCodeId: bigint | number, msg: Uint8Array): Uint8Array | undefined {
    const info = this.contractInfo(ctx, contract);
    if (!info) throw Errors.invalidRequest.wrap("unknown contract");
    if (info.admin === "" || info.admin !== caller) throw Errors.unauthorized.wrap("can not migrate");
    const newCode = this.getCode(newCodeId);
    if (!newCode) throw Errors.invalidRequest.wrap("unknown code");
    if (!newCode.code.hasIbcEntryPoints && info.ibcPort !== "") throw Errors.migrationFailed.wrap("requires ibc callbacks");
    if (newCode.code.hasIbcEntryPoints && info.ibcPort === "") info.ibcPort = `wasm.${contract}`;
    const oldCode = this.codes.get(info.codeId)!;

    let response: ContractResponse | undefined;
    const oldV = oldCode.code.migrateVersion;
    const newV = newCode.code.migrateVersion;
    if (newV === undefined || oldV === undefined || newV !== oldV) {
      const args = [this.envJson(ctx, contract), msg];
      if (newCode.code.arity("migrate") === 3) {
        args.push(utf8(`{"sender":${goString(caller)},"old_migrate_version":${oldV === undefined ? "null" : oldV}}`));
      }
      const res = this.parseResponse(ctx, this.call(ctx, contract, newCode.code, "migrate", args, false));
      if ("error" in res) throw Errors.migrationFailed.wrap(res.error).markDeterministic();
      response = res.ok;
    }
    info.codeId = newCode.codeId;
    this.setContractInfo(ctx, info);
    ctx.emit(ev("migrate", ["code_id", String(newCode.codeId)], ["_contract_address", contract]));
    if (!response) return undefined;
    try {
      return this.handleContractResponse(ctx, contract, response);
    } catch (e) {
      throw e instanceof HostError ? e.wrap("dispatch") : e;
    }
  }

  private setAdmin(ctx: Ctx, contract: string, caller: string, newAdmin: string): void {
    const info = this.contractInfo(ctx, contract);
    if (!info) throw Errors.invalidRequest.wrap("unknown contract");
    if (info.admin === "" || info.admin !== caller) throw Errors.unauthorized.wrap("can not modify contract");
    info.admin = newAdmin;
    this.setContractInfo(ctx, info);
    ctx.emit(ev("update_contract_admin", ["_contract_address", contract], ["new_admin_address", newAdmin]));
  }

  private reply(ctx: Ctx, contract: string, reply: Uint8Array): Uint8Array | undefined {
    const { code } = this.requireContract(ctx, contract);
    const res = this.parseResponse(ctx, this.call(ctx, contract, code.code, "reply", [this.envJson(ctx, contract), reply], false));
    if ("error" in res) throw Errors.executeFailed.wrap(res.error).markDeterministic();
    ctx.emit(ev("reply", ["_contract_address", contract]));
    try {
      return this.handleContractResponse(ctx, contract, res.ok);
    } catch (e) {
      throw e instanceof HostError ? e.wrap("dispatch") : e;
    }
  }

  /** wasmd QuerySmart: read-only call of `query`; a contract error is deterministic ("…: query wasm contract failed"). */
  querySmart(ctx: Ctx, contract: string, msg: Uint8Array): Uint8Array {
    const depth = ctx.queryDepth + 1;
    if (depth > 10) throw Errors.maxQueryStack.err();
    const { code } = this.requireContract(ctx, contract);
    const qctx = ctx.with({ queryDepth: depth });
    const bytes = this.call(qctx, contract, code.code, "query", [this.envJson(qctx, contract), msg], true);
    let res: { ok: Uint8Array } | { error: string };
    try {
      res = parseQueryResult(bytes);
    } catch (e) {
      if (e instanceof VmError) throw Errors.vmError.wrap(e.message, true);
      throw e;
    }
    if ("error" in res) throw Errors.queryFailed.wrap(res.error).markDeterministic();
    return res.ok;
  }

  queryRaw(ctx: Ctx, contract: string, key: Uint8Array): Uint8Array | undefined {
    return this.contractStore(ctx, contract).get(bytesToKey(key));
  }

  // -- response handling ------------------------------------------------------------------------------------------

  /** wasmd handleContractResponse: the contract's own events, then its messages (call depth checked). */
  handleContractResponse(ctx: Ctx, contract: string, res: ContractResponse): Uint8Array | undefined {
    if (res.attributes.length !== 0) {
      ctx.emit({ type: "wasm", attributes: this.contractAttributes(res.attributes, contract) });
    }
    if (res.events.length > 0) {
      const custom: Event[] = [];
      for (const e of res.events) {
        const type = trimSpace(e.type);
        if (Buffer.byteLength(type, "utf8") <= 2) throw Errors.invalidEvent.wrap(`Event type too short: '${type}'`);
        custom.push({ type: `wasm-${type}`, attributes: this.contractAttributes(e.attributes, contract) });
      }
      ctx.emit(...custom);
    }
    const depth = ctx.callDepth + 1;
    if (depth > MAX_CALL_DEPTH) throw Errors.maxCallDepth.err();
    const rsp = this.dispatchSubmessages(ctx.with({ callDepth: depth }), contract, res.messages);
    return rsp !== undefined ? rsp : res.data;
  }

  /** wasmd contractSDKEventAttributes: `_contract_address` first; keys trimmed, non-empty, not `_`-prefixed. */
  private contractAttributes(attrs: { key: string; value: string }[], contract: string): { key: string; value: string }[] {
    const out = [{ key: "_contract_address", value: contract }];
    for (const a of attrs) {
      const key = trimSpace(a.key);
      if (key.length === 0) throw Errors.invalidEvent.wrap(`Empty attribute key. Value: ${a.value}`);
      if (key.startsWith("_")) throw Errors.invalidEvent.wrap(`Attribute key starts with reserved prefix _: '${key}'`);
      out.push({ key, value: trimSpace(a.value) });
    }
    return out;
  }

  /**
   * wasmd MessageDispatcher.DispatchSubmessages. Each message runs in its own branch with its own event scope;
   * on success the branch is committed and its events (minus "message" events) go to the parent. For a wasm
   * message, wasmd then sorts each event's attributes by key — in place, so the parent's copy is sorted too — and
   * passes them to `reply`; other messages give the reply no events. An error with reply_on never/success aborts;
   * otherwise `reply` runs in the parent branch with the (redacted, see HostError.redacted) error. A non-nil
   * `data` from a reply replaces the response data.
   */
  dispatchSubmessages(ctx: Ctx, contract: string, msgs: SubMsg[]): Uint8Array | undefined {
    let rsp: Uint8Array | undefined;
    for (const msg of msgs) {
      if (msg.replyOn === "unset") throw Errors.invalid.wrap("replyOn value");
      const branch = ctx.store.branch();
      const events: Event[] = [];
      const sub = ctx.with({ store: branch, events });
      let result: DispatchResult | undefined;
      let err: HostError | undefined;
      try {
        result = ctx.env.dispatchMsg(sub, contract, msg.msg);
      } catch (e) {
        if (!(e instanceof HostError)) throw e;
        err = e;
      }
      let replyEvents: Event[] = [];
      if (!err) {
        branch.commit();
        const filtered = events.filter((e) => e.type !== "message");
        if (msg.msg.kind === "wasm") {
          for (const e of filtered) {
            const sorted = [...e.attributes].sort((a, b) => byteCompare(a.key, b.key));
            e.attributes.splice(0, e.attributes.length, ...sorted);
          }
          replyEvents = filtered.map((e) => ({ type: e.type, attributes: [...e.attributes] }));
        }
        ctx.emit(...filtered);
      }
      if (err && (msg.replyOn === "success" || msg.replyOn === "never")) throw err;
      if (msg.replyOn === "never" || (msg.replyOn === "error" && !err)) continue;

      const subResult: SubMsgResult = err
        ? { error: ctx.env.redact(err) }
        : { ok: { events: replyEvents, data: result!.data, msgResponses: result!.msgResponses } };
      let data: Uint8Array | undefined;
      try {
        data = this.reply(ctx, contract, utf8(replyJson(msg.id, msg.payload, subResult)));
      } catch (e) {
        throw e instanceof HostError ? e.wrap("reply") : e;
      }
      if (data !== undefined) rsp = data;
    }
    return rsp;
  }

  // -- HostModule: WasmMsg ----------------------------------------------------------------------------------------

  decodeMsg(value: JsonValue, path: string): WasmMsg {
    const o = decObject(value, path, "types.WasmMsg");
    const variants = ["execute", "instantiate", "instantiate2", "migrate", "update_admin", "clear_admin"].filter(
      (k) => o[k] !== undefined && o[k] !== null,
    );
    if (variants.length > 1) throw new ShapeError(`${path}: more than one WasmMsg variant set (${variants.join(", ")})`);
    const p = (k: string) => `${path}.${variants[0]}.${k}`;
    switch (variants[0]) {
      case "execute": {
        const m = decObject(o.execute, `${path}.execute`);
        return { execute: { contract_addr: decString(m.contract_addr, p("contract_addr")), msg: decBinary(m.msg, p("msg")) ?? new Uint8Array(0), funds: decCoins(m.funds, p("funds")) } };
      }
      case "instantiate": {
        const m = decObject(o.instantiate, `${path}.instantiate`);
        return {
          instantiate: {
            admin: decOptString(m.admin, p("admin")), code_id: decU64(m.code_id, p("code_id")), msg: decBinary(m.msg, p("msg")) ?? new Uint8Array(0),
            funds: decCoins(m.funds, p("funds")), label: decString(m.label, p("label")),
          },
        };
      }
      case "instantiate2": {
        const m = decObject(o.instantiate2, `${path}.instantiate2`);
        return {
          instantiate2: {
            admin: decOptString(m.admin, p("admin")), code_id: decU64(m.code_id, p("code_id")), label: decString(m.label, p("label")),
            msg: decBinary(m.msg, p("msg")) ?? new Uint8Array(0), funds: decCoins(m.funds, p("funds")), salt: decBinary(m.salt, p("salt")) ?? new Uint8Array(0),
          },
        };
      }
      case "migrate": {
        const m = decObject(o.migrate, `${path}.migrate`);
        return { migrate: { contract_addr: decString(m.contract_addr, p("contract_addr")), new_code_id: decU64(m.new_code_id, p("new_code_id")), msg: decBinary(m.msg, p("msg")) ?? new Uint8Array(0) } };
      }
      case "update_admin": {
        const m = decObject(o.update_admin, `${path}.update_admin`);
        return { update_admin: { contract_addr: decString(m.contract_addr, p("contract_addr")), admin: decString(m.admin, p("admin")) } };
      }
      case "clear_admin": {
        const m = decObject(o.clear_admin, `${path}.clear_admin`);
        return { clear_admin: { contract_addr: decString(m.contract_addr, p("contract_addr")) } };
      }
      default:
        return { unknown: true };
    }
  }

  private checkAddr(ctx: Ctx, addr: string, what: string): void {
    const c = ctx.env.api.canonicalize(addr);
    if ("error" in c) throw new HostError(`${what}: ${c.error}`, "sdk", 7);
  }

  private checkMsgJson(msg: Uint8Array): void {
    if (msg.length === 0) throw Errors.empty.err().wrap("payload msg");
    if (!isValidJson(msg)) throw Errors.invalid.err().wrap("payload msg");
  }

  private checkLabel(label: string): void {
    if (label === "") throw Errors.empty.wrap("is required").wrap("label");
    if (Buffer.byteLength(label) > 128) throw Errors.limit.wrap("cannot be longer than 128 characters").wrap("label");
    if (label !== trimSpace(label)) throw Errors.invalid.wrap("label must not start/end with whitespaces").wrap("label");
  }

  handleMsg(ctx: Ctx, sender: string, msg: WasmMsg): DispatchResult {
    const resp = (typeUrl: string, value: Uint8Array): DispatchResult => ({ data: value, msgResponses: [{ type_url: typeUrl, value }] });
    if ("execute" in msg) {
      const m = msg.execute;
      const funds = normalizeWasmCoins(m.funds);
      this.checkAddr(ctx, m.contract_addr, "contract");
      this.checkMsgJson(m.msg);
      const data = this.execute(ctx, m.contract_addr, sender, m.msg, funds);
      return resp("/cosmwasm.wasm.v1.MsgExecuteContractResponse", protoBytesFields([[1, data]]));
    }
    if ("instantiate" in msg || "instantiate2" in msg) {
      const m = "instantiate" in msg ? msg.instantiate : msg.instantiate2;
      const funds = normalizeWasmCoins(m.funds);
      if (m.code_id === 0n) throw Errors.invalidRequest.wrap("code id is required");
      this.checkLabel(m.label);
      if (m.admin) this.checkAddr(ctx, m.admin, "admin");
      this.checkMsgJson(m.msg);
      let salt: Uint8Array | undefined;
      if ("instantiate2" in msg) {
        salt = msg.instantiate2.salt;
        if (salt.length === 0) throw Errors.empty.wrap("is required").wrap("salt");
        if (salt.length > 64) throw Errors.limit.wrap("cannot be longer than 64 characters").wrap("salt");
      }
      const r = this.instantiate(ctx, m.code_id, sender, m.admin ?? "", m.msg, m.label, funds, salt);
      const typeUrl = salt ? "/cosmwasm.wasm.v1.MsgInstantiateContract2Response" : "/cosmwasm.wasm.v1.MsgInstantiateContractResponse";
      return resp(typeUrl, protoBytesFields([[1, utf8(r.address)], [2, r.data]]));
    }
    if ("migrate" in msg) {
      const m = msg.migrate;
      if (m.new_code_id === 0n) throw Errors.invalidRequest.wrap("code id is required");
      this.checkAddr(ctx, m.contract_addr, "contract");
      this.checkMsgJson(m.msg);
      const data = this.migrate(ctx, m.contract_addr, sender, m.new_code_id, m.msg);
      return resp("/cosmwasm.wasm.v1.MsgMigrateContractResponse", protoBytesFields([[1, data]]));
    }
    if ("update_admin" in msg) {
      this.checkAddr(ctx, msg.update_admin.contract_addr, "contract");
      this.checkAddr(ctx, msg.update_admin.admin, "new admin");
      this.setAdmin(ctx, msg.update_admin.contract_addr, sender, msg.update_admin.admin);
      return resp("/cosmwasm.wasm.v1.MsgUpdateAdminResponse", new Uint8Array(0));
    }
    if ("clear_admin" in msg) {
      this.checkAddr(ctx, msg.clear_admin.contract_addr, "contract");
      this.setAdmin(ctx, msg.clear_admin.contract_addr, sender, "");
      return resp("/cosmwasm.wasm.v1.MsgClearAdminResponse", new Uint8Array(0));
    }
    throw Errors.unknownMsg.wrap("unknown variant of Wasm");
  }

  // -- HostModule: WasmQuery --------------------------------------------------------------------------------------

  handleQuery(ctx: Ctx, _caller: string, value: JsonValue): Uint8Array {
    const o = decObject(value, "QueryRequest.wasm", "types.WasmQuery");
    const addr = (a: string) => {
      const c = ctx.env.api.canonicalize(a);
      if ("error" in c) throw Errors.invalidAddress.wrap(a);
      return a;
    };
    if (isObject(o.smart)) {
      const contract = addr(decString(o.smart.contract_addr, "WasmQuery.smart.contract_addr"));
      const msg = decBinary(o.smart.msg, "WasmQuery.smart.msg") ?? new Uint8Array(0);
      if (msg.length === 0) throw Errors.empty.err().wrap("json msg");
      if (!isValidJson(msg)) throw Errors.invalid.err().wrap("json msg");
      return this.querySmart(ctx, contract, msg);
    }
    if (isObject(o.raw)) {
      const contract = addr(decString(o.raw.contract_addr, "WasmQuery.raw.contract_addr"));
      const key = decBinary(o.raw.key, "WasmQuery.raw.key") ?? new Uint8Array(0);
      // wasmd QueryRaw returns nothing for an unknown contract
      if (!this.contractInfo(ctx, contract)) return new Uint8Array(0);
      return this.queryRaw(ctx, contract, key) ?? new Uint8Array(0);
    }
    if (isObject(o.contract_info)) {
      const contract = addr(decString(o.contract_info.contract_addr, "WasmQuery.contract_info.contract_addr"));
      const info = this.contractInfo(ctx, contract);
      if (!info) {
        throw new HostError(`address ${contract}: no such contract`, "wasm", 22, false, false, { no_such_contract: { addr: contract } });
      }
      const admin = info.admin ? `,"admin":${goString(info.admin)}` : "";
      const port = info.ibcPort ? `,"ibc_port":${goString(info.ibcPort)}` : "";
      return utf8(`{"code_id":${info.codeId},"creator":${goString(info.creator)}${admin},"pinned":false${port}}`);
    }
    if (isObject(o.code_info)) {
      const id = decU64(o.code_info.code_id, "WasmQuery.code_info.code_id");
      if (id === 0n) throw Errors.empty.wrap("code id");
      const code = this.getCode(id);
      if (!code) throw new HostError(`code id ${id}: no such code`, "wasm", 28, false, false, { no_such_code: { code_id: id } });
      return utf8(`{"code_id":${code.codeId},"creator":${goString(code.creator)},"checksum":"${Buffer.from(code.code.checksum).toString("hex")}"}`);
    }
    throw new HostError("unknown WasmQuery variant", "wasm", 0, false, false, { unsupported_request: { kind: "unknown WasmQuery variant" } });
  }
}
