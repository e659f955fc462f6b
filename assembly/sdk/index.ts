// The mesh-security AssemblyScript CosmWasm SDK: import everything a contract needs from here.
export * from "./error";
export * from "./errors";
export { cwAbort, panic } from "./abort";
export * from "./json";
export * from "./decode";
export * from "./message";
export * from "./math";
export * from "./time";
export * from "./base64";
export * from "./storage";
export * from "./cw2";
export * from "./types";
export * from "./response";
export * from "./querier";
export * from "./proto";
export * from "./ibc";
export * from "./entry";
export { allocate, deallocate, interface_version_8 } from "./region";
