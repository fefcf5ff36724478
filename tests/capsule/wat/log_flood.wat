;; Calls `log` with its input as the request until the host refuses, then
;; outputs the refusal (or the last reply after 100000 calls).
(module
  ;;@imports
  (import "extism:host/user" "log" (func $log (param i64) (result i64)))
  (memory (export "memory") 4)
  ;;@helpers
  (func (export "flood") (result i32)
    (local $n i32) (local $i i32) (local $r i64) (local $len i32)
    (local.set $n (call $load_input (i32.const 1024)))
    (block $done (loop $again
      (local.set $r (call $log (call $to_block (i32.const 1024) (local.get $n))))
      (local.set $len (call $from_block (local.get $r) (i32.const 65536)))
      ;; A reply starting {"ok":f is a refusal.
      (br_if $done (i32.eq (i32.load8_u (i32.const 65542)) (i32.const 102)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $again (i32.lt_u (local.get $i) (i32.const 100000)))))
    (call $output (i32.const 65536) (local.get $len))
    (i32.const 0))
)
