;; Tries to take as much memory as it can. "grow_pages" grows one page at a
;; time until memory.grow fails and outputs the final size in pages (u32 LE);
;; "grow_huge" asks for 1 GiB at once and outputs what memory.grow returned;
;; "alloc_huge" asks Extism for a 1 GiB host-side block.
(module
  ;;@imports
  (memory (export "memory") 1)
  ;;@helpers
  (func (export "grow_pages") (result i32)
    (block $full (loop $more
      (br_if $full (i32.eq (memory.grow (i32.const 1)) (i32.const -1)))
      (br $more)))
    (i32.store (i32.const 0) (memory.size))
    (call $output (i32.const 0) (i32.const 4))
    (i32.const 0))
  (func (export "grow_huge") (result i32)
    (i32.store (i32.const 0) (memory.grow (i32.const 16384)))
    (call $output (i32.const 0) (i32.const 4))
    (i32.const 0))
  (func (export "alloc_huge") (result i32)
    (drop (call $alloc (i64.const 1073741824)))
    (i32.const 0))
)
