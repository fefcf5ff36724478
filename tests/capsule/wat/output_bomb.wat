;; Returns an output block as large as the u32 (LE) in its input says,
;; without writing it (its length is what counts).
(module
  ;;@imports
  (memory (export "memory") 1)
  ;;@helpers
  (func (export "big") (result i32)
    (local $n i64)
    (drop (call $load_input (i32.const 0)))
    (local.set $n (i64.load32_u (i32.const 0)))
    (call $output_set (call $alloc (local.get $n)) (local.get $n))
    (i32.const 0))
)
