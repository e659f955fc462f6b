// The host functions CosmWasm offers (module "env"). Signatures must match the VM exactly: wasmer checks them
// at instantiation. Every argument and pointer result is a Region pointer.

@external("env", "abort") export declare function env_abort(message: u32): void;
@external("env", "debug") export declare function env_debug(message: u32): void;
@external("env", "db_read") export declare function db_read(key: u32): u32;
@external("env", "db_write") export declare function db_write(key: u32, value: u32): void;
@external("env", "db_remove") export declare function db_remove(key: u32): void;
@external("env", "db_scan") export declare function db_scan(start: u32, end: u32, order: i32): u32;
@external("env", "db_next") export declare function db_next(iterator: u32): u32;
@external("env", "addr_validate") export declare function addr_validate(human: u32): u32;
@external("env", "addr_canonicalize") export declare function addr_canonicalize(human: u32, out: u32): u32;
@external("env", "addr_humanize") export declare function addr_humanize(canonical: u32, out: u32): u32;
@external("env", "query_chain") export declare function query_chain(request: u32): u32;
