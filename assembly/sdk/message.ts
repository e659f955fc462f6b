// What message declarations (msg.ts files) build on; `npm run codegen` generates their codecs (docs/messages.md).

/** Common base of message enums whose decoder also accepts another enum's variants (`@includes`). */
export abstract class Message {}

/** A u64 written as a decimal string in JSON (cosmwasm_std::Uint64, Timestamp nanoseconds). */
export type Uint64 = u64;

/** Bytes written as standard padded base64 in JSON (cosmwasm_std::Binary). */
export type Binary = Uint8Array;

/**
 * A number in a message field that may be absent or null (`limit: Box<u32> | null = null`): AssemblyScript has no
 * nullable u64, and a 0 standing for "absent" would let an explicit 0 through where it must be refused.
 */
export class Box<T> {
  constructor(public value: T) {}
}
