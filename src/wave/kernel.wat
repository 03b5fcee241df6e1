;; SIMD kernels of the 1D wave simulator (WebAssembly text; assembled by src/build/wasm.mjs
;; into kernel-wasm.ts). Two cells per f64x2 vector (the forward sweep does two vectors per iteration); the nine stencil values come from
;; five aligned vectors sliding through locals, odd offsets made by shuffling neighbours, so each
;; pair of cells loads u once. Pointers are byte offsets of 16-byte aligned float64 arrays; i runs
;; over pairs from cell 4 (from the even cell `start` in the forward sweep) while i + 2 <= end; the
;; return value is the first cell not done (the caller finishes an odd last cell). Weights c0..c4 are the centred second-difference stencil.
(module
  (import "env" "memory" (memory 1))

  ;; w[i] = D2 u[i];  next[i] = 2 u[i] - prev[i] + k[i] w[i]
  (func $leapfrog (export "leapfrog") (param $u i32) (param $prev i32) (param $next i32) (param $k i32) (param $w i32) (param $start i32) (param $end i32)
        (param $c0 f64) (param $c1 f64) (param $c2 f64) (param $c3 f64) (param $c4 f64) (result i32)
    (local $i i32) (local $o i32) (local $d v128) (local $e v128)
    (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128) (local $v4 v128)
    (local $am2 v128) (local $am1 v128) (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local.set $v0 (f64x2.splat (local.get $c0)))
    (local.set $v1 (f64x2.splat (local.get $c1)))
    (local.set $v2 (f64x2.splat (local.get $c2)))
    (local.set $v3 (f64x2.splat (local.get $c3)))
    (local.set $v4 (f64x2.splat (local.get $c4)))
    (local.set $i (local.get $start))
    (local.set $o (i32.add (local.get $u) (i32.shl (i32.sub (local.get $start) (i32.const 4)) (i32.const 3))))
    (local.set $am2 (v128.load (local.get $o)))
    (local.set $am1 (v128.load offset=16 (local.get $o)))
    (local.set $a0 (v128.load offset=32 (local.get $o)))
    (local.set $a1 (v128.load offset=48 (local.get $o)))
    ;; four cells per iteration
    (block $done4
      (loop $l4
        (br_if $done4 (i32.gt_s (i32.add (local.get $i) (i32.const 4)) (local.get $end)))
        (local.set $o (i32.shl (local.get $i) (i32.const 3)))
        (local.set $a2 (v128.load offset=32 (i32.add (local.get $u) (local.get $o))))
        (local.set $a3 (v128.load offset=48 (i32.add (local.get $u) (local.get $o))))
        (local.set $d (f64x2.add
            (f64x2.add
              (f64x2.mul (local.get $v0) (local.get $a0))
              (f64x2.mul (local.get $v1) (f64x2.add (i8x16.shuffle 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 (local.get $a0) (local.get $a1)) (i8x16.shuffle 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 (local.get $am1) (local.get $a0)))))
            (f64x2.add
              (f64x2.add
                (f64x2.mul (local.get $v2) (f64x2.add (local.get $a1) (local.get $am1)))
                (f64x2.mul (local.get $v3) (f64x2.add (i8x16.shuffle 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 (local.get $a1) (local.get $a2)) (i8x16.shuffle 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 (local.get $am2) (local.get $am1)))))
              (f64x2.mul (local.get $v4) (f64x2.add (local.get $a2) (local.get $am2))))))
        (local.set $e (f64x2.add
            (f64x2.add
              (f64x2.mul (local.get $v0) (local.get $a1))
              (f64x2.mul (local.get $v1) (f64x2.add (i8x16.shuffle 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 (local.get $a1) (local.get $a2)) (i8x16.shuffle 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 (local.get $a0) (local.get $a1)))))
            (f64x2.add
              (f64x2.add
                (f64x2.mul (local.get $v2) (f64x2.add (local.get $a2) (local.get $a0)))
                (f64x2.mul (local.get $v3) (f64x2.add (i8x16.shuffle 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 (local.get $a2) (local.get $a3)) (i8x16.shuffle 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 (local.get $am1) (local.get $a0)))))
              (f64x2.mul (local.get $v4) (f64x2.add (local.get $a3) (local.get $am1))))))
        (v128.store (i32.add (local.get $w) (local.get $o)) (local.get $d))
        (v128.store (i32.add (local.get $next) (local.get $o))
          (f64x2.add
            (f64x2.sub (f64x2.add (local.get $a0) (local.get $a0)) (v128.load (i32.add (local.get $prev) (local.get $o))))
            (f64x2.mul (v128.load (i32.add (local.get $k) (local.get $o))) (local.get $d))))
        (v128.store (i32.add (local.get $w) (i32.add (local.get $o) (i32.const 16))) (local.get $e))
        (v128.store (i32.add (local.get $next) (i32.add (local.get $o) (i32.const 16)))
          (f64x2.add
            (f64x2.sub (f64x2.add (local.get $a1) (local.get $a1)) (v128.load (i32.add (local.get $prev) (i32.add (local.get $o) (i32.const 16)))))
            (f64x2.mul (v128.load (i32.add (local.get $k) (i32.add (local.get $o) (i32.const 16)))) (local.get $e))))
        (local.set $am2 (local.get $a0))
        (local.set $am1 (local.get $a1))
        (local.set $a0 (local.get $a2))
        (local.set $a1 (local.get $a3))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $l4)))
    ;; a last pair
    (if (i32.le_s (i32.add (local.get $i) (i32.const 2)) (local.get $end)) (then
        (local.set $o (i32.shl (local.get $i) (i32.const 3)))
        (local.set $a2 (v128.load offset=32 (i32.add (local.get $u) (local.get $o))))
        (local.set $d (f64x2.add
            (f64x2.add
              (f64x2.mul (local.get $v0) (local.get $a0))
              (f64x2.mul (local.get $v1) (f64x2.add (i8x16.shuffle 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 (local.get $a0) (local.get $a1)) (i8x16.shuffle 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 (local.get $am1) (local.get $a0)))))
            (f64x2.add
              (f64x2.add
                (f64x2.mul (local.get $v2) (f64x2.add (local.get $a1) (local.get $am1)))
                (f64x2.mul (local.get $v3) (f64x2.add (i8x16.shuffle 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 (local.get $a1) (local.get $a2)) (i8x16.shuffle 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 (local.get $am2) (local.get $am1)))))
              (f64x2.mul (local.get $v4) (f64x2.add (local.get $a2) (local.get $am2))))))
        (v128.store (i32.add (local.get $w) (local.get $o)) (local.get $d))
        (v128.store (i32.add (local.get $next) (local.get $o))
          (f64x2.add
            (f64x2.sub (f64x2.add (local.get $a0) (local.get $a0)) (v128.load (i32.add (local.get $prev) (local.get $o))))
            (f64x2.mul (v128.load (i32.add (local.get $k) (local.get $o))) (local.get $d))))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))))
    (local.get $i))

  ;; earlier[i] += 2 later[i] + D2 q[i];  later[i] = -later[i]
  (func (export "adjointLeapfrog") (param $q i32) (param $later i32) (param $earlier i32) (param $end i32)
        (param $c0 f64) (param $c1 f64) (param $c2 f64) (param $c3 f64) (param $c4 f64) (result i32)
    (local $l v128) (local $pe i32) (local $pl i32)
    (local $i i32) (local $o i32) (local $d v128) (local $e v128)
    (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128) (local $v4 v128)
    (local $am2 v128) (local $am1 v128) (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local.set $v0 (f64x2.splat (local.get $c0)))
    (local.set $v1 (f64x2.splat (local.get $c1)))
    (local.set $v2 (f64x2.splat (local.get $c2)))
    (local.set $v3 (f64x2.splat (local.get $c3)))
    (local.set $v4 (f64x2.splat (local.get $c4)))
    (local.set $i (i32.const 4))
    (local.set $am2 (v128.load (local.get $q)))
    (local.set $am1 (v128.load offset=16 (local.get $q)))
    (local.set $a0 (v128.load offset=32 (local.get $q)))
    (local.set $a1 (v128.load offset=48 (local.get $q)))
    (block $done4
      (loop $l4
        (br_if $done4 (i32.gt_s (i32.add (local.get $i) (i32.const 4)) (local.get $end)))
        (local.set $o (i32.shl (local.get $i) (i32.const 3)))
        (local.set $a2 (v128.load offset=32 (i32.add (local.get $q) (local.get $o))))
        (local.set $a3 (v128.load offset=48 (i32.add (local.get $q) (local.get $o))))
        (local.set $d (f64x2.add
            (f64x2.add
              (f64x2.mul (local.get $v0) (local.get $a0))
              (f64x2.mul (local.get $v1) (f64x2.add (i8x16.shuffle 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 (local.get $a0) (local.get $a1)) (i8x16.shuffle 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 (local.get $am1) (local.get $a0)))))
            (f64x2.add
              (f64x2.add
                (f64x2.mul (local.get $v2) (f64x2.add (local.get $a1) (local.get $am1)))
                (f64x2.mul (local.get $v3) (f64x2.add (i8x16.shuffle 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 (local.get $a1) (local.get $a2)) (i8x16.shuffle 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 (local.get $am2) (local.get $am1)))))
              (f64x2.mul (local.get $v4) (f64x2.add (local.get $a2) (local.get $am2))))))
        (local.set $e (f64x2.add
            (f64x2.add
              (f64x2.mul (local.get $v0) (local.get $a1))
              (f64x2.mul (local.get $v1) (f64x2.add (i8x16.shuffle 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 (local.get $a1) (local.get $a2)) (i8x16.shuffle 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 (local.get $a0) (local.get $a1)))))
            (f64x2.add
              (f64x2.add
                (f64x2.mul (local.get $v2) (f64x2.add (local.get $a2) (local.get $a0)))
                (f64x2.mul (local.get $v3) (f64x2.add (i8x16.shuffle 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 (local.get $a2) (local.get $a3)) (i8x16.shuffle 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 (local.get $am1) (local.get $a0)))))
              (f64x2.mul (local.get $v4) (f64x2.add (local.get $a3) (local.get $am1))))))
        (local.set $pl (i32.add (local.get $later) (local.get $o)))
        (local.set $pe (i32.add (local.get $earlier) (local.get $o)))
        (local.set $l (v128.load (local.get $pl)))
        (v128.store (local.get $pe)
          (f64x2.add (v128.load (local.get $pe)) (f64x2.add (f64x2.add (local.get $l) (local.get $l)) (local.get $d))))
        (v128.store (local.get $pl) (f64x2.neg (local.get $l)))
        (local.set $pl (i32.add (local.get $later) (i32.add (local.get $o) (i32.const 16))))
        (local.set $pe (i32.add (local.get $earlier) (i32.add (local.get $o) (i32.const 16))))
        (local.set $l (v128.load (local.get $pl)))
        (v128.store (local.get $pe)
          (f64x2.add (v128.load (local.get $pe)) (f64x2.add (f64x2.add (local.get $l) (local.get $l)) (local.get $e))))
        (v128.store (local.get $pl) (f64x2.neg (local.get $l)))
        (local.set $am2 (local.get $a0))
        (local.set $am1 (local.get $a1))
        (local.set $a0 (local.get $a2))
        (local.set $a1 (local.get $a3))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $l4)))
    (if (i32.le_s (i32.add (local.get $i) (i32.const 2)) (local.get $end)) (then
        (local.set $o (i32.shl (local.get $i) (i32.const 3)))
        (local.set $a2 (v128.load offset=32 (i32.add (local.get $q) (local.get $o))))
        (local.set $d (f64x2.add
            (f64x2.add
              (f64x2.mul (local.get $v0) (local.get $a0))
              (f64x2.mul (local.get $v1) (f64x2.add (i8x16.shuffle 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 (local.get $a0) (local.get $a1)) (i8x16.shuffle 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 (local.get $am1) (local.get $a0)))))
            (f64x2.add
              (f64x2.add
                (f64x2.mul (local.get $v2) (f64x2.add (local.get $a1) (local.get $am1)))
                (f64x2.mul (local.get $v3) (f64x2.add (i8x16.shuffle 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 (local.get $a1) (local.get $a2)) (i8x16.shuffle 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 (local.get $am2) (local.get $am1)))))
              (f64x2.mul (local.get $v4) (f64x2.add (local.get $a2) (local.get $am2))))))
        (local.set $pl (i32.add (local.get $later) (local.get $o)))
        (local.set $pe (i32.add (local.get $earlier) (local.get $o)))
        (local.set $l (v128.load (local.get $pl)))
        (v128.store (local.get $pe)
          (f64x2.add (v128.load (local.get $pe)) (f64x2.add (f64x2.add (local.get $l) (local.get $l)) (local.get $d))))
        (v128.store (local.get $pl) (f64x2.neg (local.get $l)))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))))
    (local.get $i))

  ;; q[i] = k[i] later[i];  gradK[i] += later[i] wn[i]  (the gradient accumulation)
  (func (export "adjointPrepare") (param $later i32) (param $k i32) (param $wn i32) (param $q i32) (param $gradK i32) (param $end i32) (result i32)
    (local $i i32) (local $o i32) (local $l v128) (local $p i32)
    (local.set $i (i32.const 4))
    (block $done
      (loop $loop
        (br_if $done (i32.gt_s (i32.add (local.get $i) (i32.const 2)) (local.get $end)))
        (local.set $o (i32.shl (local.get $i) (i32.const 3)))
        (local.set $l (v128.load (i32.add (local.get $later) (local.get $o))))
        (v128.store (i32.add (local.get $q) (local.get $o)) (f64x2.mul (v128.load (i32.add (local.get $k) (local.get $o))) (local.get $l)))
        (local.set $p (i32.add (local.get $gradK) (local.get $o)))
        (v128.store (local.get $p) (f64x2.add (v128.load (local.get $p)) (f64x2.mul (local.get $l) (v128.load (i32.add (local.get $wn) (local.get $o))))))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $loop)))
    (local.get $i))

  ;; Values below 1e-290 in the decaying C-PML memory variables, and in u inside the layer where
  ;; the absorbed wave decays, are set to zero before they become subnormal (below 2.2e-308),
  ;; where every operation on them would cost about a hundred cycles.
  (func $flush (param $x f64) (result f64)
    (select (f64.const 0) (local.get $x) (f64.lt (f64.abs (local.get $x)) (f64.const 1e-290))))

  ;; C-PML terms of one layer [start, end), two cells at a time (unaligned loads), flushed as above:
  ;;   psi = b psi + a D1 u on the layer;  t = D1 psi on [lo, hi): w += t, next += k t;
  ;;   zeta = b zeta + a w on the layer: w += zeta, next += k zeta
  (func $pmlForward (export "pmlForward") (param $u i32) (param $psi i32) (param $zeta i32) (param $w i32) (param $next i32)
        (param $k i32) (param $a i32) (param $b i32) (param $start i32) (param $end i32) (param $lo i32) (param $hi i32)
        (param $d1 f64) (param $d2 f64) (param $d3 f64) (param $d4 f64)
    (local $i i32) (local $o i32) (local $p i32) (local $t v128) (local $ts f64) (local $tiny v128)
    (local $e1 v128) (local $e2 v128) (local $e3 v128) (local $e4 v128)
    (local.set $e1 (f64x2.splat (local.get $d1)))
    (local.set $e2 (f64x2.splat (local.get $d2)))
    (local.set $e3 (f64x2.splat (local.get $d3)))
    (local.set $e4 (f64x2.splat (local.get $d4)))
    (local.set $tiny (f64x2.splat (f64.const 1e-290)))
    (local.set $i (local.get $start))
    (block $b0 (loop $l0
      (br_if $b0 (i32.gt_s (i32.add (local.get $i) (i32.const 2)) (local.get $end)))
      (local.set $o (i32.shl (local.get $i) (i32.const 3)))
      (local.set $p (i32.add (local.get $u) (local.get $o)))
      (local.set $t (f64x2.add (f64x2.mul (v128.load (i32.add (local.get $b) (local.get $o))) (v128.load (i32.add (local.get $psi) (local.get $o)))) (f64x2.mul (v128.load (i32.add (local.get $a) (local.get $o))) (f64x2.add (f64x2.add (f64x2.mul (local.get $e1) (f64x2.sub (v128.load offset=8 (local.get $p)) (v128.load (i32.sub (local.get $p) (i32.const 8))))) (f64x2.mul (local.get $e2) (f64x2.sub (v128.load offset=16 (local.get $p)) (v128.load (i32.sub (local.get $p) (i32.const 16)))))) (f64x2.add (f64x2.mul (local.get $e3) (f64x2.sub (v128.load offset=24 (local.get $p)) (v128.load (i32.sub (local.get $p) (i32.const 24))))) (f64x2.mul (local.get $e4) (f64x2.sub (v128.load offset=32 (local.get $p)) (v128.load (i32.sub (local.get $p) (i32.const 32))))))))))
      (v128.store (i32.add (local.get $psi) (local.get $o)) (v128.andnot (local.get $t) (f64x2.lt (f64x2.abs (local.get $t)) (local.get $tiny))))
      (local.set $i (i32.add (local.get $i) (i32.const 2)))
      (br $l0)))
    (if (i32.lt_s (local.get $i) (local.get $end)) (then
      (local.set $o (i32.shl (local.get $i) (i32.const 3)))
      (local.set $p (i32.add (local.get $u) (local.get $o)))
      (f64.store (i32.add (local.get $psi) (local.get $o)) (call $flush (f64.add (f64.mul (f64.load (i32.add (local.get $b) (local.get $o))) (f64.load (i32.add (local.get $psi) (local.get $o)))) (f64.mul (f64.load (i32.add (local.get $a) (local.get $o))) (f64.add (f64.add (f64.mul (local.get $d1) (f64.sub (f64.load offset=8 (local.get $p)) (f64.load (i32.sub (local.get $p) (i32.const 8))))) (f64.mul (local.get $d2) (f64.sub (f64.load offset=16 (local.get $p)) (f64.load (i32.sub (local.get $p) (i32.const 16)))))) (f64.add (f64.mul (local.get $d3) (f64.sub (f64.load offset=24 (local.get $p)) (f64.load (i32.sub (local.get $p) (i32.const 24))))) (f64.mul (local.get $d4) (f64.sub (f64.load offset=32 (local.get $p)) (f64.load (i32.sub (local.get $p) (i32.const 32)))))))))))))
    (local.set $i (local.get $lo))
    (block $b1 (loop $l1
      (br_if $b1 (i32.gt_s (i32.add (local.get $i) (i32.const 2)) (local.get $hi)))
      (local.set $o (i32.shl (local.get $i) (i32.const 3)))
      (local.set $p (i32.add (local.get $psi) (local.get $o)))
      (local.set $t (f64x2.add (f64x2.add (f64x2.mul (local.get $e1) (f64x2.sub (v128.load offset=8 (local.get $p)) (v128.load (i32.sub (local.get $p) (i32.const 8))))) (f64x2.mul (local.get $e2) (f64x2.sub (v128.load offset=16 (local.get $p)) (v128.load (i32.sub (local.get $p) (i32.const 16)))))) (f64x2.add (f64x2.mul (local.get $e3) (f64x2.sub (v128.load offset=24 (local.get $p)) (v128.load (i32.sub (local.get $p) (i32.const 24))))) (f64x2.mul (local.get $e4) (f64x2.sub (v128.load offset=32 (local.get $p)) (v128.load (i32.sub (local.get $p) (i32.const 32))))))))
      (v128.store (i32.add (local.get $w) (local.get $o)) (f64x2.add (v128.load (i32.add (local.get $w) (local.get $o))) (local.get $t)))
      (v128.store (i32.add (local.get $next) (local.get $o)) (f64x2.add (v128.load (i32.add (local.get $next) (local.get $o))) (f64x2.mul (v128.load (i32.add (local.get $k) (local.get $o))) (local.get $t))))
      (local.set $i (i32.add (local.get $i) (i32.const 2)))
      (br $l1)))
    (if (i32.lt_s (local.get $i) (local.get $hi)) (then
      (local.set $o (i32.shl (local.get $i) (i32.const 3)))
      (local.set $p (i32.add (local.get $psi) (local.get $o)))
      (local.set $ts (f64.add (f64.add (f64.mul (local.get $d1) (f64.sub (f64.load offset=8 (local.get $p)) (f64.load (i32.sub (local.get $p) (i32.const 8))))) (f64.mul (local.get $d2) (f64.sub (f64.load offset=16 (local.get $p)) (f64.load (i32.sub (local.get $p) (i32.const 16)))))) (f64.add (f64.mul (local.get $d3) (f64.sub (f64.load offset=24 (local.get $p)) (f64.load (i32.sub (local.get $p) (i32.const 24))))) (f64.mul (local.get $d4) (f64.sub (f64.load offset=32 (local.get $p)) (f64.load (i32.sub (local.get $p) (i32.const 32))))))))
      (f64.store (i32.add (local.get $w) (local.get $o)) (f64.add (f64.load (i32.add (local.get $w) (local.get $o))) (local.get $ts)))
      (f64.store (i32.add (local.get $next) (local.get $o)) (f64.add (f64.load (i32.add (local.get $next) (local.get $o))) (f64.mul (f64.load (i32.add (local.get $k) (local.get $o))) (local.get $ts))))))
    (local.set $i (local.get $start))
    (block $b2 (loop $l2
      (br_if $b2 (i32.gt_s (i32.add (local.get $i) (i32.const 2)) (local.get $end)))
      (local.set $o (i32.shl (local.get $i) (i32.const 3)))
      (local.set $t (f64x2.add (f64x2.mul (v128.load (i32.add (local.get $b) (local.get $o))) (v128.load (i32.add (local.get $zeta) (local.get $o)))) (f64x2.mul (v128.load (i32.add (local.get $a) (local.get $o))) (v128.load (i32.add (local.get $w) (local.get $o))))))
      (local.set $t (v128.andnot (local.get $t) (f64x2.lt (f64x2.abs (local.get $t)) (local.get $tiny))))
      (v128.store (i32.add (local.get $zeta) (local.get $o)) (local.get $t))
      (v128.store (i32.add (local.get $w) (local.get $o)) (f64x2.add (v128.load (i32.add (local.get $w) (local.get $o))) (local.get $t)))
      (local.set $t (f64x2.add (v128.load (i32.add (local.get $next) (local.get $o))) (f64x2.mul (v128.load (i32.add (local.get $k) (local.get $o))) (local.get $t))))
      (v128.store (i32.add (local.get $next) (local.get $o)) (v128.andnot (local.get $t) (f64x2.lt (f64x2.abs (local.get $t)) (local.get $tiny))))
      (local.set $i (i32.add (local.get $i) (i32.const 2)))
      (br $l2)))
    (if (i32.lt_s (local.get $i) (local.get $end)) (then
      (local.set $o (i32.shl (local.get $i) (i32.const 3)))
      (local.set $ts (call $flush (f64.add (f64.mul (f64.load (i32.add (local.get $b) (local.get $o))) (f64.load (i32.add (local.get $zeta) (local.get $o)))) (f64.mul (f64.load (i32.add (local.get $a) (local.get $o))) (f64.load (i32.add (local.get $w) (local.get $o)))))))
      (f64.store (i32.add (local.get $zeta) (local.get $o)) (local.get $ts))
      (f64.store (i32.add (local.get $w) (local.get $o)) (f64.add (f64.load (i32.add (local.get $w) (local.get $o))) (local.get $ts)))
      (f64.store (i32.add (local.get $next) (local.get $o)) (call $flush (f64.add (f64.load (i32.add (local.get $next) (local.get $o))) (f64.mul (f64.load (i32.add (local.get $k) (local.get $o))) (local.get $ts)))))))
  )

  ;; Adjoint of the C-PML recursions of one layer [start, end), reversed (flushed as above):
  ;;   z = zetaBar + qBar: zetaBar = b z, qBar += a z;  t = psiBar - D1 qBar: pBar = a t, psiBar = b t
  (func (export "pmlAdjoint") (param $q i32) (param $zb i32) (param $pb i32) (param $pbar i32) (param $a i32) (param $b i32)
        (param $start i32) (param $end i32) (param $d1 f64) (param $d2 f64) (param $d3 f64) (param $d4 f64)
    (local $i i32) (local $o i32) (local $p i32) (local $t v128) (local $z v128) (local $zs f64) (local $tiny v128)
    (local $e1 v128) (local $e2 v128) (local $e3 v128) (local $e4 v128)
    (local.set $e1 (f64x2.splat (local.get $d1)))
    (local.set $e2 (f64x2.splat (local.get $d2)))
    (local.set $e3 (f64x2.splat (local.get $d3)))
    (local.set $e4 (f64x2.splat (local.get $d4)))
    (local.set $tiny (f64x2.splat (f64.const 1e-290)))
    (local.set $i (local.get $start))
    (block $bz (loop $lz
      (br_if $bz (i32.gt_s (i32.add (local.get $i) (i32.const 2)) (local.get $end)))
      (local.set $o (i32.shl (local.get $i) (i32.const 3)))
      (local.set $z (f64x2.add (v128.load (i32.add (local.get $zb) (local.get $o))) (v128.load (i32.add (local.get $q) (local.get $o)))))
      (local.set $t (f64x2.mul (v128.load (i32.add (local.get $b) (local.get $o))) (local.get $z)))
      (v128.store (i32.add (local.get $zb) (local.get $o)) (v128.andnot (local.get $t) (f64x2.lt (f64x2.abs (local.get $t)) (local.get $tiny))))
      (v128.store (i32.add (local.get $q) (local.get $o)) (f64x2.add (v128.load (i32.add (local.get $q) (local.get $o))) (f64x2.mul (v128.load (i32.add (local.get $a) (local.get $o))) (local.get $z))))
      (local.set $i (i32.add (local.get $i) (i32.const 2)))
      (br $lz)))
    (if (i32.lt_s (local.get $i) (local.get $end)) (then
      (local.set $o (i32.shl (local.get $i) (i32.const 3)))
      (local.set $zs (f64.add (f64.load (i32.add (local.get $zb) (local.get $o))) (f64.load (i32.add (local.get $q) (local.get $o)))))
      (f64.store (i32.add (local.get $zb) (local.get $o)) (call $flush (f64.mul (f64.load (i32.add (local.get $b) (local.get $o))) (local.get $zs))))
      (f64.store (i32.add (local.get $q) (local.get $o)) (f64.add (f64.load (i32.add (local.get $q) (local.get $o))) (f64.mul (f64.load (i32.add (local.get $a) (local.get $o))) (local.get $zs))))))
    (local.set $i (local.get $start))
    (block $bp (loop $lp
      (br_if $bp (i32.gt_s (i32.add (local.get $i) (i32.const 2)) (local.get $end)))
      (local.set $o (i32.shl (local.get $i) (i32.const 3)))
      (local.set $p (i32.add (local.get $q) (local.get $o)))
      (local.set $z (f64x2.sub (v128.load (i32.add (local.get $pb) (local.get $o))) (f64x2.add (f64x2.add (f64x2.mul (local.get $e1) (f64x2.sub (v128.load offset=8 (local.get $p)) (v128.load (i32.sub (local.get $p) (i32.const 8))))) (f64x2.mul (local.get $e2) (f64x2.sub (v128.load offset=16 (local.get $p)) (v128.load (i32.sub (local.get $p) (i32.const 16)))))) (f64x2.add (f64x2.mul (local.get $e3) (f64x2.sub (v128.load offset=24 (local.get $p)) (v128.load (i32.sub (local.get $p) (i32.const 24))))) (f64x2.mul (local.get $e4) (f64x2.sub (v128.load offset=32 (local.get $p)) (v128.load (i32.sub (local.get $p) (i32.const 32)))))))))
      (v128.store (i32.add (local.get $pbar) (local.get $o)) (f64x2.mul (v128.load (i32.add (local.get $a) (local.get $o))) (local.get $z)))
      (local.set $t (f64x2.mul (v128.load (i32.add (local.get $b) (local.get $o))) (local.get $z)))
      (v128.store (i32.add (local.get $pb) (local.get $o)) (v128.andnot (local.get $t) (f64x2.lt (f64x2.abs (local.get $t)) (local.get $tiny))))
      (local.set $i (i32.add (local.get $i) (i32.const 2)))
      (br $lp)))
    (if (i32.lt_s (local.get $i) (local.get $end)) (then
      (local.set $o (i32.shl (local.get $i) (i32.const 3)))
      (local.set $p (i32.add (local.get $q) (local.get $o)))
      (local.set $zs (f64.sub (f64.load (i32.add (local.get $pb) (local.get $o))) (f64.add (f64.add (f64.mul (local.get $d1) (f64.sub (f64.load offset=8 (local.get $p)) (f64.load (i32.sub (local.get $p) (i32.const 8))))) (f64.mul (local.get $d2) (f64.sub (f64.load offset=16 (local.get $p)) (f64.load (i32.sub (local.get $p) (i32.const 16)))))) (f64.add (f64.mul (local.get $d3) (f64.sub (f64.load offset=24 (local.get $p)) (f64.load (i32.sub (local.get $p) (i32.const 24))))) (f64.mul (local.get $d4) (f64.sub (f64.load offset=32 (local.get $p)) (f64.load (i32.sub (local.get $p) (i32.const 32)))))))))
      (f64.store (i32.add (local.get $pbar) (local.get $o)) (f64.mul (f64.load (i32.add (local.get $a) (local.get $o))) (local.get $zs)))
      (f64.store (i32.add (local.get $pb) (local.get $o)) (call $flush (f64.mul (f64.load (i32.add (local.get $b) (local.get $o))) (local.get $zs))))))
  )

  ;; ubar^n -= D1 pBar on [lo, hi): the transpose of psi's dependence on u
  (func (export "pmlAdjointPsi") (param $e i32) (param $pbar i32) (param $lo i32) (param $hi i32)
        (param $d1 f64) (param $d2 f64) (param $d3 f64) (param $d4 f64)
    (local $i i32) (local $o i32) (local $p i32) (local $t v128) (local $z v128) (local $zs f64) (local $tiny v128)
    (local $e1 v128) (local $e2 v128) (local $e3 v128) (local $e4 v128)
    (local.set $e1 (f64x2.splat (local.get $d1)))
    (local.set $e2 (f64x2.splat (local.get $d2)))
    (local.set $e3 (f64x2.splat (local.get $d3)))
    (local.set $e4 (f64x2.splat (local.get $d4)))
    (local.set $tiny (f64x2.splat (f64.const 1e-290)))
    (local.set $i (local.get $lo))
    (block $bc (loop $lc
      (br_if $bc (i32.gt_s (i32.add (local.get $i) (i32.const 2)) (local.get $hi)))
      (local.set $o (i32.shl (local.get $i) (i32.const 3)))
      (local.set $p (i32.add (local.get $pbar) (local.get $o)))
      (v128.store (i32.add (local.get $e) (local.get $o)) (f64x2.sub (v128.load (i32.add (local.get $e) (local.get $o))) (f64x2.add (f64x2.add (f64x2.mul (local.get $e1) (f64x2.sub (v128.load offset=8 (local.get $p)) (v128.load (i32.sub (local.get $p) (i32.const 8))))) (f64x2.mul (local.get $e2) (f64x2.sub (v128.load offset=16 (local.get $p)) (v128.load (i32.sub (local.get $p) (i32.const 16)))))) (f64x2.add (f64x2.mul (local.get $e3) (f64x2.sub (v128.load offset=24 (local.get $p)) (v128.load (i32.sub (local.get $p) (i32.const 24))))) (f64x2.mul (local.get $e4) (f64x2.sub (v128.load offset=32 (local.get $p)) (v128.load (i32.sub (local.get $p) (i32.const 32)))))))))
      (local.set $i (i32.add (local.get $i) (i32.const 2)))
      (br $lc)))
    (if (i32.lt_s (local.get $i) (local.get $hi)) (then
      (local.set $o (i32.shl (local.get $i) (i32.const 3)))
      (local.set $p (i32.add (local.get $pbar) (local.get $o)))
      (f64.store (i32.add (local.get $e) (local.get $o)) (f64.sub (f64.load (i32.add (local.get $e) (local.get $o))) (f64.add (f64.add (f64.mul (local.get $d1) (f64.sub (f64.load offset=8 (local.get $p)) (f64.load (i32.sub (local.get $p) (i32.const 8))))) (f64.mul (local.get $d2) (f64.sub (f64.load offset=16 (local.get $p)) (f64.load (i32.sub (local.get $p) (i32.const 16)))))) (f64.add (f64.mul (local.get $d3) (f64.sub (f64.load offset=24 (local.get $p)) (f64.load (i32.sub (local.get $p) (i32.const 24))))) (f64.mul (local.get $d4) (f64.sub (f64.load offset=32 (local.get $p)) (f64.load (i32.sub (local.get $p) (i32.const 32)))))))))))
  )

  ;; One whole forward step in a single call: the constants of a propagator are set once by
  ;; `configure`, so each step crosses from JavaScript into WebAssembly only once.
  (global $k (mut i32) (i32.const 0))
  (global $a (mut i32) (i32.const 0))
  (global $b (mut i32) (i32.const 0))
  (global $psi (mut i32) (i32.const 0))
  (global $zeta (mut i32) (i32.const 0))
  (global $pl0 (mut i32) (i32.const 0))
  (global $pl1 (mut i32) (i32.const 0))
  (global $pr0 (mut i32) (i32.const 0))
  (global $pr1 (mut i32) (i32.const 0))
  (global $last (mut i32) (i32.const 0))
  (global $c0 (mut f64) (f64.const 0))
  (global $c1 (mut f64) (f64.const 0))
  (global $c2 (mut f64) (f64.const 0))
  (global $c3 (mut f64) (f64.const 0))
  (global $c4 (mut f64) (f64.const 0))
  (global $d1 (mut f64) (f64.const 0))
  (global $d2 (mut f64) (f64.const 0))
  (global $d3 (mut f64) (f64.const 0))
  (global $d4 (mut f64) (f64.const 0))

  (func (export "configure") (param $k i32) (param $a i32) (param $b i32) (param $psi i32) (param $zeta i32)
        (param $pl0 i32) (param $pl1 i32) (param $pr0 i32) (param $pr1 i32) (param $last i32)
        (param $c0 f64) (param $c1 f64) (param $c2 f64) (param $c3 f64) (param $c4 f64)
        (param $d1 f64) (param $d2 f64) (param $d3 f64) (param $d4 f64)
    (global.set $k (local.get $k)) (global.set $a (local.get $a)) (global.set $b (local.get $b))
    (global.set $psi (local.get $psi)) (global.set $zeta (local.get $zeta))
    (global.set $pl0 (local.get $pl0)) (global.set $pl1 (local.get $pl1))
    (global.set $pr0 (local.get $pr0)) (global.set $pr1 (local.get $pr1)) (global.set $last (local.get $last))
    (global.set $c0 (local.get $c0)) (global.set $c1 (local.get $c1)) (global.set $c2 (local.get $c2))
    (global.set $c3 (local.get $c3)) (global.set $c4 (local.get $c4))
    (global.set $d1 (local.get $d1)) (global.set $d2 (local.get $d2)) (global.set $d3 (local.get $d3)) (global.set $d4 (local.get $d4)))

  ;; w = D2 u and next = 2 u - prev + k w on [lo & ~1, hi), then the C-PML terms of every layer
  ;; within reach of the range (the caller keeps u zero outside [lo, hi)).
  (func (export "forwardStep") (param $u i32) (param $prev i32) (param $next i32) (param $w i32) (param $lo i32) (param $hi i32)
    (local $i i32) (local $o i32) (local $p i32) (local $d f64)
    (local.set $i (call $leapfrog (local.get $u) (local.get $prev) (local.get $next) (global.get $k) (local.get $w)
      (i32.and (local.get $lo) (i32.const -2)) (local.get $hi)
      (global.get $c0) (global.get $c1) (global.get $c2) (global.get $c3) (global.get $c4)))
    (if (i32.lt_s (local.get $i) (local.get $hi)) (then
      (local.set $o (i32.shl (local.get $i) (i32.const 3)))
      (local.set $p (i32.add (local.get $u) (local.get $o)))
      (local.set $d (f64.add (f64.add (f64.mul (global.get $c0) (f64.load (local.get $p))) (f64.mul (global.get $c1) (f64.add (f64.load offset=8 (local.get $p)) (f64.load (i32.sub (local.get $p) (i32.const 8)))))) (f64.add (f64.add (f64.mul (global.get $c2) (f64.add (f64.load offset=16 (local.get $p)) (f64.load (i32.sub (local.get $p) (i32.const 16))))) (f64.mul (global.get $c3) (f64.add (f64.load offset=24 (local.get $p)) (f64.load (i32.sub (local.get $p) (i32.const 24)))))) (f64.mul (global.get $c4) (f64.add (f64.load offset=32 (local.get $p)) (f64.load (i32.sub (local.get $p) (i32.const 32))))))))
      (f64.store (i32.add (local.get $w) (local.get $o)) (local.get $d))
      (f64.store (i32.add (local.get $next) (local.get $o))
        (f64.add (f64.sub (f64.add (f64.load (local.get $p)) (f64.load (local.get $p))) (f64.load (i32.add (local.get $prev) (local.get $o))))
                 (f64.mul (f64.load (i32.add (global.get $k) (local.get $o))) (local.get $d))))))
    (if (i32.and (i32.lt_s (global.get $pl0) (global.get $pl1)) (i32.gt_s (global.get $pl1) (i32.sub (local.get $lo) (i32.const 4)))) (then
      (call $pmlForward (local.get $u) (global.get $psi) (global.get $zeta) (local.get $w) (local.get $next) (global.get $k) (global.get $a) (global.get $b)
        (global.get $pl0) (global.get $pl1) (call $max (i32.const 4) (i32.sub (global.get $pl0) (i32.const 4))) (call $min (global.get $last) (i32.add (global.get $pl1) (i32.const 4)))
        (global.get $d1) (global.get $d2) (global.get $d3) (global.get $d4))))
    (if (i32.and (i32.lt_s (global.get $pr0) (global.get $pr1)) (i32.lt_s (global.get $pr0) (i32.add (local.get $hi) (i32.const 4)))) (then
      (call $pmlForward (local.get $u) (global.get $psi) (global.get $zeta) (local.get $w) (local.get $next) (global.get $k) (global.get $a) (global.get $b)
        (global.get $pr0) (global.get $pr1) (call $max (i32.const 4) (i32.sub (global.get $pr0) (i32.const 4))) (call $min (global.get $last) (i32.add (global.get $pr1) (i32.const 4)))
        (global.get $d1) (global.get $d2) (global.get $d3) (global.get $d4)))))

  (func $max (param $x i32) (param $y i32) (result i32) (select (local.get $x) (local.get $y) (i32.gt_s (local.get $x) (local.get $y))))
  (func $min (param $x i32) (param $y i32) (result i32) (select (local.get $x) (local.get $y) (i32.lt_s (local.get $x) (local.get $y))))
)
