;; Imports WASI and Extism's own HTTP, neither of which Astrid provides.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
  (import "extism:host/env" "http_request" (func (param i64 i64) (result i64)))
  (memory (export "memory") 1)
  (func (export "ok") (result i32) (i32.const 0))
)
