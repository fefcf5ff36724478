;; Loops forever in the WebAssembly start section, during instantiation.
(module
  ;;@imports
  (memory (export "memory") 1)
  ;;@helpers
  (func $start (loop $forever (br $forever)))
  (start $start)
  (func (export "ok") (result i32) (i32.const 0))
)
