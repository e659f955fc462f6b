// In-process multi-contract CosmWasm host with wasmd semantics (see each module's header).
export { Chain, UNSUPPORTED_KINDS } from "./host-chain";
export type { ChainOptions, InstantiateOptions, DebugEntry } from "./host-chain";
export { Ctx } from "./context";
export type { DispatchResult, HostModule } from "./context";
export { BankModule, normalizeWasmCoins, validateUserFunds, coinsToString } from "./bank";
export type { NormCoin, BankMsg } from "./bank";
export { WasmModule, MAX_CALL_DEPTH } from "./wasm-module";
export type { ContractInfo, CodeInfo, WasmMsg } from "./wasm-module";
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
export { StakingModule, StakingErrors, DEFAULT_STAKING_PARAMS, DAY_NS, rfc3339 } from "./staking";
export type { StakingParams, Validator, BondStatus, UnbondingEntry, RedelegationEntry, ValidatorOptions, StakingHooks, StakingMsg } from "./staking";
export { DistributionModule, DistributionErrors } from "./distribution";
export type { DistributionMsg } from "./distribution";
export {
  IbcModule, WasmIbcApp, Link, HandshakeError, connectChains, openChannel, ChannelErrors, IbcErrors, revisionNumber, selfHeight,
  timeoutElapsed, packetJson, channelJson, ackResult, ackError, errorAck, errorAckWithCodespace, packetId,
} from "./ibc";
export type { Packet, Height, ChannelEnd, ChannelState, Order as IbcOrder, OrderInput, ChannelPair, HandshakeStep, IbcApp, Acknowledgement, ConnectionEnd, IbcMsg } from "./ibc";
export { TransferApp, ICS20_VERSION, TRANSFER_PORT, escrowAddress, denomTraceHash, ibcDenom, parseDenomTrace, packetDataBytes } from "./transfer";
export { Relayer } from "./relayer";
export type { Pending, PendingPacket, PendingAck, PendingTimeout, PendingClose, PendingItem, DeliveryResult, RelayReport } from "./relayer";
export { ONE as DEC_ONE, parseDec, decToString } from "./dec";
