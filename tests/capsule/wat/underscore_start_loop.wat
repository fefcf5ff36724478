;; Loops forever in `_start`, which Extism runs while instantiating a "command" module.
(module
  ;;@imports
  (memory (export "memory") 1)
  ;;@helpers
  (func (export "_start") (loop $forever (br $forever)))
  (func (export "ok") (result i32) (i32.const 0))
)
