// One CosmWasm ABI module for the gate and the host: the wasm reader and the contract interface it is checked against.
export * from "./abi";
export * from "./binary";
export * from "./instructions";
export * from "./module";
