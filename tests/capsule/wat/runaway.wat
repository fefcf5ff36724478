;; A guest that never yields: "spin" loops forever inside one call; "ok"
;; answers normally, to show the capsule works again after being stopped.
(module
  ;;@imports
  (memory (export "memory") 1)
  (data (i32.const 0) "ok")
  ;;@helpers
  (global $calls (mut i32) (i32.const 0))
  (func (export "spin") (result i32)
    (loop $forever (br $forever))
    (i32.const 0))
  (func (export "ok") (result i32)
    (call $output (i32.const 0) (i32.const 2))
    (i32.const 0))
  ;; Counts calls in guest state, to show state is lost when the instance is replaced.
  (func (export "count") (result i32)
    (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
    (i32.store8 (i32.const 16) (i32.add (i32.const 48) (global.get $calls)))
    (call $output (i32.const 16) (i32.const 1))
    (i32.const 0))
  (func (export "trap") (result i32) (unreachable))
)
