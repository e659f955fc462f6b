// In-process multi-contract CosmWasm host with wasmd semantics (see each module's header).
export { Chain, UNSUPPORTED_KINDS } from "./chain";
export type { ChainOptions, InstantiateOptions, DebugEntry } from "./chain";
export { Ctx } from "./context";
export type { DispatchResult, HostModule } from "./context";
export { BankModule, normalizeWasmCoins, validateUserFunds, coinsToString } from "./bank";
export type { NormCoin, BankMsg } from "./bank";
export { WasmModule, MAX_CALL_DEPTH } from "./wasm";
export type { ContractInfo, CodeInfo, WasmMsg } from "./wasm";
export { WasmCode, callEntryPoint, encodeSections, LIMITS, IMPORT_SIGNATURES, DEFAULT_CAPABILITIES } from "./vm";
export type { VmBackend, VmStats, CallOptions } from "./vm";
export { MemStore, CacheStore, PrefixStore, ReadOnlyStore, bytesToKey, keyToBytes, utf8Key, prefixEnd } from "./storage";
export type { KVStore, Key, Entry, Order } from "./storage";
export {
  AddressApi, toBech32, fromBech32, addressFromName, moduleAddress, classicContractAddress, predictableContractAddress, sha256,
} from "./address";
export { parseResponseResult, parseQueryResult, decodeCosmosMsg, replyJson, REPLY_PAYLOAD_MAX } from "./messages";
export type { ContractResponse, SubMsg, CosmosMsg, ReplyOn, SubMsgResult } from "./messages";
export { parseJson, JsonNum, goString, rustString, decodeBase64Strict, toBase64 } from "./json";
export type { JsonValue, JsonObject } from "./json";
export { VmError, HostError, QueryError, RootError, Errors } from "./types";
export type { Coin, Event, Attribute, TxResult, TxSuccess, TxFailure, MsgResponse, SystemError, VmErrorKind } from "./types";
