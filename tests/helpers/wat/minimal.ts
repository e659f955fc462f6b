// Minimal CosmWasm-shaped WAT modules for negative VM tests, and a helper to append a custom section.

export interface MinimalOptions {
  /** Import lines, e.g. `(import "env" "abort" (func $abort (param i32 i32 i32 i32)))`. */
  imports?: string[];
  /** Body of `instantiate` (must leave an i32 result Region pointer on the stack); default returns {"ok":{}}. */
  instantiateBody?: string;
  /** Extra module fields (funcs, a start section…). */
  extra?: string;
}

/** A contract whose instantiate returns `{"ok":{}}` unless `instantiateBody` says otherwise. */
export function minimalWat(opts: MinimalOptions = {}): string {
  return `
(module
  ${(opts.imports ?? []).join("\n  ")}
  (memory (export "memory") 1)
  (global $heap (mut i32) (i32.const 4096))
  (data (i32.const 64) "{\\"ok\\":{}}")
  (func (export "interface_version_8"))
  (func $allocate (export "allocate") (param $n i32) (result i32)
    (local $r i32)
    (local.set $r (global.get $heap))
    (i32.store (local.get $r) (i32.add (local.get $r) (i32.const 12)))
    (i32.store offset=4 (local.get $r) (local.get $n))
    (i32.store offset=8 (local.get $r) (i32.const 0))
    (global.set $heap (i32.add (i32.add (local.get $r) (i32.const 12)) (local.get $n)))
    (local.get $r))
  (func (export "deallocate") (param i32))
  ;; Region {offset 64, capacity 9, length 9} at 128
  (func $ok (result i32)
    (i32.store (i32.const 128) (i32.const 64))
    (i32.store (i32.const 132) (i32.const 9))
    (i32.store (i32.const 136) (i32.const 9))
    (i32.const 128))
  (func (export "instantiate") (param i32 i32 i32) (result i32)
    ${opts.instantiateBody ?? "(call $ok)"})
  ${opts.extra ?? ""}
)`;
}

/** Appends a custom section (id 0) to a wasm binary. */
export function withCustomSection(wasm: Uint8Array, name: string, data: Uint8Array): Uint8Array {
  const leb = (n: number) => {
    const out: number[] = [];
    do {
      let b = n & 0x7f;
      n >>>= 7;
      if (n) b |= 0x80;
      out.push(b);
    } while (n);
    return out;
  };
  const nameBytes = Buffer.from(name, "utf8");
  const payload = [...leb(nameBytes.length), ...nameBytes, ...data];
  return Uint8Array.from([...wasm, 0, ...leb(payload.length), ...payload]);
}
