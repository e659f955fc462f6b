// A hand-written CosmWasm contract in WAT for host tests: every entry point runs a tiny command language read from
// its msg bytes (the host passes string messages unchanged), so one code exercises storage, iteration, queries,
// errors and traps. Commands are separated by ';' (arguments run to the next ';'):
//
//   W<key>=<value>   db_write              D<key>        db_remove
//   R<key>           db_read → out (or "<nil>")
//   S<o><start>,<end> scan with db_next, out "k=v," per entry; <o> = a (asc) | d (desc) | digit (raw order
//                    value); a bound of "*" is the null pointer (unbounded), anything else a Region (may be empty)
//   K… / V…          same, with db_next_key / db_next_value, out "k," / "v,"
//   E<msg>           return {"error":"<msg>"}                    X   trap (unreachable)
//   A<msg>           env.abort(<msg>)                            G   increment a global, out its digit
//   P<msg>           env.debug(<msg>)                            B<text>  out <text>
//   N / I            out the env / info JSON the host passed     L<addr>  addr_validate → out "ok" or the error
//   C<addr>          addr_canonicalize then addr_humanize → out the result or the error text
//   Z<n>             db_write("big", n zero bytes)               Y<n>  db_write(n-byte key, "v")
//   Q<request…>      query_chain(rest of msg) → out the raw SystemResult JSON (ends the command list)
//   M<json…>         return {"ok":<rest of msg>} verbatim (ends the command list)
//   J<key>           run the commands stored under <key> (ends the command list; lets a sub-message, whose msg
//                    is a JSON string without quotes inside, trigger e.g. an M response stored beforehand)
//
// A msg that is a JSON string ("W…;E…") runs the commands inside the quotes, so the same commands can travel in
// sub-messages, whose msg wasmd requires to be valid JSON. Result of instantiate/execute/sudo/migrate/reply: {"ok":{"data":"<base64(out)>"}} ({"ok":{}} if out is
// empty); of query: {"ok":"<base64(out)>"}. `reply` stores the Reply JSON under key "last_reply" and then runs the
// command stored under "__reply_cmd" (if any). A 3-argument `migrate` (opts.migrateArity = 3) stores its
// MigrateInfo under "migrate_info".

export interface KvContractOptions {
  migrateArity?: 2 | 3;
  /** Extra module fields (e.g. a start section or an extra import) for negative tests. */
  extra?: string;
  /** Replaces the env.abort import line (e.g. to give it asc's 4-argument signature). */
  abortImport?: string;
  /** Custom section `cw_migrate_version` is added by the test via binary patching, not here. */
}

export function kvContractWat(opts: KvContractOptions = {}): string {
  const migrate3 = opts.migrateArity === 3;
  return `
(module
  (import "env" "db_read" (func $db_read (param i32) (result i32)))
  (import "env" "db_write" (func $db_write (param i32 i32)))
  (import "env" "db_remove" (func $db_remove (param i32)))
  (import "env" "db_scan" (func $db_scan (param i32 i32 i32) (result i32)))
  (import "env" "db_next" (func $db_next (param i32) (result i32)))
  (import "env" "db_next_key" (func $db_next_key (param i32) (result i32)))
  (import "env" "db_next_value" (func $db_next_value (param i32) (result i32)))
  (import "env" "addr_validate" (func $addr_validate (param i32) (result i32)))
  (import "env" "addr_canonicalize" (func $addr_canonicalize (param i32 i32) (result i32)))
  (import "env" "addr_humanize" (func $addr_humanize (param i32 i32) (result i32)))
  (import "env" "query_chain" (func $query_chain (param i32) (result i32)))
  ${opts.abortImport ?? `(import "env" "abort" (func $abort (param i32)))`}
  (import "env" "debug" (func $debug (param i32)))

  (memory (export "memory") 2)
  (global $heap (mut i32) (i32.const 65536))
  (global $counter (mut i32) (i32.const 0))
  (global $out (mut i32) (i32.const 0))
  (global $out_len (mut i32) (i32.const 0))
  (global $env_r (mut i32) (i32.const 0))
  (global $info_r (mut i32) (i32.const 0))
  (global $x_ptr (mut i32) (i32.const 0))
  (global $x_len (mut i32) (i32.const 0))
  (global $w (mut i32) (i32.const 0))

  (data (i32.const 256) "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
  (data (i32.const 512) "{\\"error\\":\\"")
  (data (i32.const 528) "\\"}")
  (data (i32.const 544) "{\\"ok\\":")
  (data (i32.const 560) "}")
  (data (i32.const 576) "{\\"ok\\":{\\"data\\":\\"")
  (data (i32.const 608) "\\"}}")
  (data (i32.const 624) "{\\"ok\\":{}}")
  (data (i32.const 640) "{\\"ok\\":\\"")
  (data (i32.const 656) "<nil>")
  (data (i32.const 672) "last_reply")
  (data (i32.const 688) "__reply_cmd")
  (data (i32.const 704) "ok")
  (data (i32.const 720) "big")
  (data (i32.const 736) "migrate_info")
  ${opts.extra ?? ""}

  (func (export "interface_version_8"))

  (func $alloc_raw (param $size i32) (result i32)
    (local $p i32) (local $need i32)
    (local.set $p (global.get $heap))
    (global.set $heap (i32.and (i32.add (i32.add (local.get $p) (local.get $size)) (i32.const 7)) (i32.const -8)))
    (local.set $need (i32.shr_u (i32.add (global.get $heap) (i32.const 65535)) (i32.const 16)))
    (if (i32.gt_u (local.get $need) (memory.size))
      (then (if (i32.eq (memory.grow (i32.sub (local.get $need) (memory.size))) (i32.const -1)) (then unreachable))))
    (local.get $p))

  (func $allocate (export "allocate") (param $size i32) (result i32)
    (local $r i32)
    (local.set $r (call $alloc_raw (i32.const 12)))
    (i32.store (local.get $r) (call $alloc_raw (local.get $size)))
    (i32.store offset=4 (local.get $r) (local.get $size))
    (i32.store offset=8 (local.get $r) (i32.const 0))
    (local.get $r))

  (func (export "deallocate") (param i32))

  (func $region (param $p i32) (param $n i32) (result i32)
    (local $r i32)
    (local.set $r (call $alloc_raw (i32.const 12)))
    (i32.store (local.get $r) (local.get $p))
    (i32.store offset=4 (local.get $r) (local.get $n))
    (i32.store offset=8 (local.get $r) (local.get $n))
    (local.get $r))

  (func $memcpy (param $d i32) (param $s i32) (param $n i32)
    (block $done (loop $l
      (br_if $done (i32.eqz (local.get $n)))
      (i32.store8 (local.get $d) (i32.load8_u (local.get $s)))
      (local.set $d (i32.add (local.get $d) (i32.const 1)))
      (local.set $s (i32.add (local.get $s) (i32.const 1)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $l))))

  (func $out_init
    (if (i32.eqz (global.get $out)) (then (global.set $out (call $alloc_raw (i32.const 262144))))))

  (func $out (param $p i32) (param $n i32)
    (call $out_init)
    (call $memcpy (i32.add (global.get $out) (global.get $out_len)) (local.get $p) (local.get $n))
    (global.set $out_len (i32.add (global.get $out_len) (local.get $n))))

  (func $out_region (param $r i32)
    (call $out (i32.load (local.get $r)) (i32.load offset=8 (local.get $r))))

  (func $out_byte (param $b i32)
    (call $out_init)
    (i32.store8 (i32.add (global.get $out) (global.get $out_len)) (local.get $b))
    (global.set $out_len (i32.add (global.get $out_len) (i32.const 1))))

  (func $find (param $p i32) (param $end i32) (param $c i32) (result i32)
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
      (br_if $done (i32.eq (i32.load8_u (local.get $p)) (local.get $c)))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br $l)))
    (local.get $p))

  (func $atoi (param $p i32) (param $end i32) (result i32)
    (local $v i32)
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
      (local.set $v (i32.add (i32.mul (local.get $v) (i32.const 10)) (i32.sub (i32.load8_u (local.get $p)) (i32.const 48))))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br $l)))
    (local.get $v))

  (func $be32 (param $p i32) (result i32)
    (i32.or
      (i32.or (i32.shl (i32.load8_u (local.get $p)) (i32.const 24)) (i32.shl (i32.load8_u offset=1 (local.get $p)) (i32.const 16)))
      (i32.or (i32.shl (i32.load8_u offset=2 (local.get $p)) (i32.const 8)) (i32.load8_u offset=3 (local.get $p)))))

  ;; "*" = null pointer (unbounded), anything else = a Region over the bytes
  (func $bound (param $p i32) (param $end i32) (result i32)
    (if (i32.and (i32.eq (i32.sub (local.get $end) (local.get $p)) (i32.const 1)) (i32.eq (i32.load8_u (local.get $p)) (i32.const 42)))
      (then (return (i32.const 0))))
    (call $region (local.get $p) (i32.sub (local.get $end) (local.get $p))))

  (func $scan (param $p i32) (param $end i32) (param $mode i32)
    (local $order i32) (local $comma i32) (local $it i32) (local $r i32) (local $off i32) (local $len i32) (local $klen i32) (local $vlen i32)
    (local.set $order (i32.load8_u (local.get $p)))
    (local.set $order
      (if (result i32) (i32.eq (local.get $order) (i32.const 97)) (then (i32.const 1))
        (else (if (result i32) (i32.eq (local.get $order) (i32.const 100)) (then (i32.const 2))
          (else (i32.sub (local.get $order) (i32.const 48)))))))
    (local.set $p (i32.add (local.get $p) (i32.const 1)))
    (local.set $comma (call $find (local.get $p) (local.get $end) (i32.const 44)))
    (local.set $it (call $db_scan
      (call $bound (local.get $p) (local.get $comma))
      (call $bound (i32.add (local.get $comma) (i32.const 1)) (local.get $end))
      (local.get $order)))
    (block $done (loop $l
      (if (i32.eqz (local.get $mode)) (then
        (local.set $r (call $db_next (local.get $it)))
        (local.set $off (i32.load (local.get $r)))
        (local.set $len (i32.load offset=8 (local.get $r)))
        (local.set $vlen (call $be32 (i32.sub (i32.add (local.get $off) (local.get $len)) (i32.const 4))))
        (local.set $klen (call $be32 (i32.sub (i32.sub (i32.add (local.get $off) (local.get $len)) (i32.const 8)) (local.get $vlen))))
        (br_if $done (i32.eqz (local.get $klen)))
        (call $out (local.get $off) (local.get $klen))
        (call $out_byte (i32.const 61))
        (call $out (i32.add (i32.add (local.get $off) (local.get $klen)) (i32.const 4)) (local.get $vlen))
        (call $out_byte (i32.const 44))
        (br $l)))
      (local.set $r (if (result i32) (i32.eq (local.get $mode) (i32.const 1))
        (then (call $db_next_key (local.get $it)))
        (else (call $db_next_value (local.get $it)))))
      (br_if $done (i32.eqz (local.get $r)))
      (call $out_region (local.get $r))
      (call $out_byte (i32.const 44))
      (br $l))))

  ;; returns 0 = done, 1 = error (x = message), 2 = custom response (x = JSON)
  (func $run (param $p i32) (param $end i32) (result i32)
    (local $op i32) (local $e i32) (local $eq i32) (local $r i32) (local $d i32) (local $n i32)
    (block $exit (loop $next
      (br_if $exit (i32.ge_u (local.get $p) (local.get $end)))
      (local.set $op (i32.load8_u (local.get $p)))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (if (i32.eq (local.get $op) (i32.const 77)) (then ;; M
        (global.set $x_ptr (local.get $p))
        (global.set $x_len (i32.sub (local.get $end) (local.get $p)))
        (return (i32.const 2))))
      (if (i32.eq (local.get $op) (i32.const 81)) (then ;; Q
        (call $out_region (call $query_chain (call $region (local.get $p) (i32.sub (local.get $end) (local.get $p)))))
        (return (i32.const 0))))
      (local.set $e (call $find (local.get $p) (local.get $end) (i32.const 59)))
      (if (i32.eq (local.get $op) (i32.const 74)) (then ;; J: run the commands stored under <key>
        (local.set $r (call $db_read (call $region (local.get $p) (i32.sub (local.get $e) (local.get $p)))))
        (if (i32.eqz (local.get $r)) (then unreachable))
        (return (call $run (i32.load (local.get $r)) (i32.add (i32.load (local.get $r)) (i32.load offset=8 (local.get $r)))))))
      (block $handled
        (if (i32.eq (local.get $op) (i32.const 87)) (then ;; W
          (local.set $eq (call $find (local.get $p) (local.get $e) (i32.const 61)))
          (call $db_write
            (call $region (local.get $p) (i32.sub (local.get $eq) (local.get $p)))
            (call $region (i32.add (local.get $eq) (i32.const 1)) (i32.sub (local.get $e) (i32.add (local.get $eq) (i32.const 1)))))
          (br $handled)))
        (if (i32.eq (local.get $op) (i32.const 68)) (then ;; D
          (call $db_remove (call $region (local.get $p) (i32.sub (local.get $e) (local.get $p))))
          (br $handled)))
        (if (i32.eq (local.get $op) (i32.const 82)) (then ;; R
          (local.set $r (call $db_read (call $region (local.get $p) (i32.sub (local.get $e) (local.get $p)))))
          (if (i32.eqz (local.get $r)) (then (call $out (i32.const 656) (i32.const 5))) (else (call $out_region (local.get $r))))
          (br $handled)))
        (if (i32.eq (local.get $op) (i32.const 83)) (then (call $scan (local.get $p) (local.get $e) (i32.const 0)) (br $handled))) ;; S
        (if (i32.eq (local.get $op) (i32.const 75)) (then (call $scan (local.get $p) (local.get $e) (i32.const 1)) (br $handled))) ;; K
        (if (i32.eq (local.get $op) (i32.const 86)) (then (call $scan (local.get $p) (local.get $e) (i32.const 2)) (br $handled))) ;; V
        (if (i32.eq (local.get $op) (i32.const 69)) (then ;; E
          (global.set $x_ptr (local.get $p))
          (global.set $x_len (i32.sub (local.get $e) (local.get $p)))
          (return (i32.const 1))))
        (if (i32.eq (local.get $op) (i32.const 88)) (then unreachable)) ;; X
        (if (i32.eq (local.get $op) (i32.const 65)) (then ;; A
          (call $abort (call $region (local.get $p) (i32.sub (local.get $e) (local.get $p))))
          (br $handled)))
        (if (i32.eq (local.get $op) (i32.const 71)) (then ;; G
          (global.set $counter (i32.add (global.get $counter) (i32.const 1)))
          (call $out_byte (i32.add (i32.const 48) (global.get $counter)))
          (br $handled)))
        (if (i32.eq (local.get $op) (i32.const 80)) (then ;; P
          (call $debug (call $region (local.get $p) (i32.sub (local.get $e) (local.get $p))))
          (br $handled)))
        (if (i32.eq (local.get $op) (i32.const 78)) (then (call $out_region (global.get $env_r)) (br $handled))) ;; N
        (if (i32.eq (local.get $op) (i32.const 73)) (then ;; I
          (if (global.get $info_r) (then (call $out_region (global.get $info_r))))
          (br $handled)))
        (if (i32.eq (local.get $op) (i32.const 66)) (then ;; B
          (call $out (local.get $p) (i32.sub (local.get $e) (local.get $p)))
          (br $handled)))
        (if (i32.eq (local.get $op) (i32.const 76)) (then ;; L
          (local.set $r (call $addr_validate (call $region (local.get $p) (i32.sub (local.get $e) (local.get $p)))))
          (if (i32.eqz (local.get $r)) (then (call $out (i32.const 704) (i32.const 2))) (else (call $out_region (local.get $r))))
          (br $handled)))
        (if (i32.eq (local.get $op) (i32.const 67)) (then ;; C
          (local.set $d (call $allocate (i32.const 64)))
          (local.set $r (call $addr_canonicalize (call $region (local.get $p) (i32.sub (local.get $e) (local.get $p))) (local.get $d)))
          (if (local.get $r) (then (call $out_region (local.get $r)) (br $handled)))
          (local.set $r (call $allocate (i32.const 90)))
          (local.set $n (call $addr_humanize (local.get $d) (local.get $r)))
          (if (local.get $n) (then (call $out_region (local.get $n))) (else (call $out_region (local.get $r))))
          (br $handled)))
        (if (i32.eq (local.get $op) (i32.const 90)) (then ;; Z
          (local.set $n (call $atoi (local.get $p) (local.get $e)))
          (call $db_write (call $region (i32.const 720) (i32.const 3)) (call $region (call $alloc_raw (local.get $n)) (local.get $n)))
          (br $handled)))
        (if (i32.eq (local.get $op) (i32.const 89)) (then ;; Y
          (local.set $n (call $atoi (local.get $p) (local.get $e)))
          (call $db_write (call $region (call $alloc_raw (local.get $n)) (local.get $n)) (call $region (i32.const 720) (i32.const 1)))
          (br $handled)))
        unreachable)
      (local.set $p (i32.add (local.get $e) (i32.const 1)))
      (br $next)))
    (i32.const 0))

  (func $w_put (param $p i32) (param $n i32)
    (call $memcpy (global.get $w) (local.get $p) (local.get $n))
    (global.set $w (i32.add (global.get $w) (local.get $n))))

  (func $b64c (param $i i32)
    (i32.store8 (global.get $w) (i32.load8_u offset=256 (i32.and (local.get $i) (i32.const 63))))
    (global.set $w (i32.add (global.get $w) (i32.const 1))))

  (func $pad
    (i32.store8 (global.get $w) (i32.const 61))
    (global.set $w (i32.add (global.get $w) (i32.const 1))))

  (func $w_b64 (param $p i32) (param $n i32)
    (local $v i32)
    (block $done (loop $l
      (br_if $done (i32.lt_u (local.get $n) (i32.const 3)))
      (local.set $v (i32.or (i32.or
        (i32.shl (i32.load8_u (local.get $p)) (i32.const 16))
        (i32.shl (i32.load8_u offset=1 (local.get $p)) (i32.const 8)))
        (i32.load8_u offset=2 (local.get $p))))
      (call $b64c (i32.shr_u (local.get $v) (i32.const 18)))
      (call $b64c (i32.shr_u (local.get $v) (i32.const 12)))
      (call $b64c (i32.shr_u (local.get $v) (i32.const 6)))
      (call $b64c (local.get $v))
      (local.set $p (i32.add (local.get $p) (i32.const 3)))
      (local.set $n (i32.sub (local.get $n) (i32.const 3)))
      (br $l)))
    (if (i32.eq (local.get $n) (i32.const 1)) (then
      (local.set $v (i32.shl (i32.load8_u (local.get $p)) (i32.const 16)))
      (call $b64c (i32.shr_u (local.get $v) (i32.const 18)))
      (call $b64c (i32.shr_u (local.get $v) (i32.const 12)))
      (call $pad) (call $pad)))
    (if (i32.eq (local.get $n) (i32.const 2)) (then
      (local.set $v (i32.or (i32.shl (i32.load8_u (local.get $p)) (i32.const 16)) (i32.shl (i32.load8_u offset=1 (local.get $p)) (i32.const 8))))
      (call $b64c (i32.shr_u (local.get $v) (i32.const 18)))
      (call $b64c (i32.shr_u (local.get $v) (i32.const 12)))
      (call $b64c (i32.shr_u (local.get $v) (i32.const 6)))
      (call $pad))))

  (func $respond (param $status i32) (param $query i32) (result i32)
    (local $start i32)
    (local.set $start (call $alloc_raw (i32.add (i32.add (i32.mul (global.get $out_len) (i32.const 2)) (global.get $x_len)) (i32.const 64))))
    (global.set $w (local.get $start))
    (block $built
      (if (i32.eq (local.get $status) (i32.const 1)) (then
        (call $w_put (i32.const 512) (i32.const 10)) (call $w_put (global.get $x_ptr) (global.get $x_len)) (call $w_put (i32.const 528) (i32.const 2))
        (br $built)))
      (if (i32.eq (local.get $status) (i32.const 2)) (then
        (call $w_put (i32.const 544) (i32.const 6)) (call $w_put (global.get $x_ptr) (global.get $x_len)) (call $w_put (i32.const 560) (i32.const 1))
        (br $built)))
      (if (local.get $query) (then
        (call $w_put (i32.const 640) (i32.const 7)) (call $w_b64 (global.get $out) (global.get $out_len)) (call $w_put (i32.const 528) (i32.const 2))
        (br $built)))
      (if (i32.eqz (global.get $out_len)) (then (call $w_put (i32.const 624) (i32.const 9)) (br $built)))
      (call $w_put (i32.const 576) (i32.const 15)) (call $w_b64 (global.get $out) (global.get $out_len)) (call $w_put (i32.const 608) (i32.const 3)))
    (call $region (local.get $start) (i32.sub (global.get $w) (local.get $start))))

  ;; a msg that is a JSON string ("…") runs the commands inside the quotes
  (func $run_region (param $r i32) (result i32)
    (local $p i32) (local $end i32)
    (local.set $p (i32.load (local.get $r)))
    (local.set $end (i32.add (local.get $p) (i32.load offset=8 (local.get $r))))
    (if (i32.and (i32.ge_u (i32.sub (local.get $end) (local.get $p)) (i32.const 2)) (i32.eq (i32.load8_u (local.get $p)) (i32.const 34)))
      (then
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (local.set $end (i32.sub (local.get $end) (i32.const 1)))))
    (call $run (local.get $p) (local.get $end)))

  (func (export "instantiate") (param $env i32) (param $info i32) (param $msg i32) (result i32)
    (global.set $env_r (local.get $env)) (global.set $info_r (local.get $info))
    (call $respond (call $run_region (local.get $msg)) (i32.const 0)))

  (func (export "execute") (param $env i32) (param $info i32) (param $msg i32) (result i32)
    (global.set $env_r (local.get $env)) (global.set $info_r (local.get $info))
    (call $respond (call $run_region (local.get $msg)) (i32.const 0)))

  (func (export "query") (param $env i32) (param $msg i32) (result i32)
    (global.set $env_r (local.get $env))
    (call $respond (call $run_region (local.get $msg)) (i32.const 1)))

  (func (export "sudo") (param $env i32) (param $msg i32) (result i32)
    (global.set $env_r (local.get $env))
    (call $respond (call $run_region (local.get $msg)) (i32.const 0)))

  ${migrate3
    ? `(func (export "migrate") (param $env i32) (param $msg i32) (param $minfo i32) (result i32)
    (global.set $env_r (local.get $env))
    (call $db_write (call $region (i32.const 736) (i32.const 12)) (local.get $minfo))
    (call $respond (call $run_region (local.get $msg)) (i32.const 0)))`
    : `(func (export "migrate") (param $env i32) (param $msg i32) (result i32)
    (global.set $env_r (local.get $env))
    (call $respond (call $run_region (local.get $msg)) (i32.const 0)))`}

  (func (export "reply") (param $env i32) (param $msg i32) (result i32)
    (local $cmd i32)
    (global.set $env_r (local.get $env))
    (call $db_write (call $region (i32.const 672) (i32.const 10)) (local.get $msg))
    (local.set $cmd (call $db_read (call $region (i32.const 688) (i32.const 11))))
    (if (result i32) (i32.eqz (local.get $cmd))
      (then (call $respond (i32.const 0) (i32.const 0)))
      (else (call $respond (call $run_region (local.get $cmd)) (i32.const 0)))))
)`;
}
