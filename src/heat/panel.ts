/**
 * The dense kernels of the supernodal solves: one supernode's triangular
 * solve with its panel, L z = y going up and L^T x = z going down, on its
 * front rows.
 *
 * A panel is m rows by w columns, column-major: entry (i, c) at
 * L[base + c m + i], the w x w lower triangle on top (its upper part unused),
 * the m - w rows below it. The front rows are Y[o .. o + m]. Columns go in
 * groups of eight, four, then the rest, so that one pass over the rows below
 * serves a whole group: each row's value is loaded and stored once per group
 * (going up) or loaded once and shared by the group's dot products (going
 * down), which is what bounds the speed of a scalar loop.
 */

/** Values below this magnitude are flushed to zero going down (far from any result, and never subnormal). */
const TINY = 1e-290;

/** Sums of a group's dot products going down. */
const sums = new Float64Array(8);

/**
 * The triangle of a group of g columns c .. c + g - 1 going up: solves for
 * the group's unknowns in place (Y[o + c + k] becomes z).
 */
function upTriangle(L: Float64Array, Y: Float64Array, invD: Float64Array, base: number, o: number, d: number, m: number, c: number, g: number): void {
  for (let k = 0; k < g; k++) {
    const col = base + (c + k) * m + c, v = Y[o + c + k] * invD[d + c + k];
    Y[o + c + k] = v;
    for (let kk = k + 1; kk < g; kk++) Y[o + c + kk] -= L[col + kk] * v;
  }
}

/**
 * L z = y on one panel (its first w rows become z, the rows below receive
 * -L_below z). invD[d + c] = 1 / L_cc.
 */
export function lowerSolve(L: Float64Array, Y: Float64Array, invD: Float64Array, base: number, o: number, d: number, w: number, m: number): void {
  const end = o + m;
  let c = 0;
  for (; c + 7 < w; c += 8) {
    upTriangle(L, Y, invD, base, o, d, m, c, 8);
    const i0 = o + c, b0 = base + c * m - o, b1 = b0 + m, b2 = b1 + m, b3 = b2 + m, b4 = b3 + m, b5 = b4 + m, b6 = b5 + m, b7 = b6 + m;
    const v0 = Y[i0], v1 = Y[i0 + 1], v2 = Y[i0 + 2], v3 = Y[i0 + 3], v4 = Y[i0 + 4], v5 = Y[i0 + 5], v6 = Y[i0 + 6], v7 = Y[i0 + 7];
    for (let i = i0 + 8; i < end; i++) {
      Y[i] -= (L[b0 + i] * v0 + L[b1 + i] * v1 + L[b2 + i] * v2 + L[b3 + i] * v3) + (L[b4 + i] * v4 + L[b5 + i] * v5 + L[b6 + i] * v6 + L[b7 + i] * v7);
    }
  }
  if (c + 3 < w) {
    upTriangle(L, Y, invD, base, o, d, m, c, 4);
    const i0 = o + c, b0 = base + c * m - o, b1 = b0 + m, b2 = b1 + m, b3 = b2 + m;
    const v0 = Y[i0], v1 = Y[i0 + 1], v2 = Y[i0 + 2], v3 = Y[i0 + 3];
    for (let i = i0 + 4; i < end; i++) Y[i] -= L[b0 + i] * v0 + L[b1 + i] * v1 + L[b2 + i] * v2 + L[b3 + i] * v3;
    c += 4;
  }
  const g = w - c;
  if (g === 0) return;
  upTriangle(L, Y, invD, base, o, d, m, c, g);
  const i0 = o + c, b0 = base + c * m - o, b1 = b0 + m, b2 = b1 + m;
  const v0 = Y[i0];
  if (g === 1) {
    for (let i = i0 + 1; i < end; i++) Y[i] -= L[b0 + i] * v0;
  } else if (g === 2) {
    const v1 = Y[i0 + 1];
    for (let i = i0 + 2; i < end; i++) Y[i] -= L[b0 + i] * v0 + L[b1 + i] * v1;
  } else {
    const v1 = Y[i0 + 1], v2 = Y[i0 + 2];
    for (let i = i0 + 3; i < end; i++) Y[i] -= L[b0 + i] * v0 + L[b1 + i] * v1 + L[b2 + i] * v2;
  }
}

/**
 * The triangle of a group of g columns going down, given each column's dot
 * product with the rows below in `sums`: solves for the group's unknowns,
 * last first, flushing values below TINY to zero.
 */
function downTriangle(L: Float64Array, Y: Float64Array, invD: Float64Array, base: number, o: number, d: number, m: number, c: number, g: number): void {
  for (let k = g - 1; k >= 0; k--) {
    const col = base + (c + k) * m + c;
    let s = Y[o + c + k] - sums[k];
    for (let kk = k + 1; kk < g; kk++) s -= L[col + kk] * Y[o + c + kk];
    const v = s * invD[d + c + k];
    Y[o + c + k] = v < TINY && v > -TINY ? 0 : v;
  }
}

/**
 * L^T x = z on one panel, the rows below already holding the solution there:
 * the panel's first w rows become x.
 */
export function upperSolve(L: Float64Array, Y: Float64Array, invD: Float64Array, base: number, o: number, d: number, w: number, m: number): void {
  const end = o + m;
  // The groups of lowerSolve in reverse: the last (fewer than four columns), a four, the eights.
  const eights = w - (w % 8), fours = w - eights >= 4 ? 4 : 0;
  let c = eights + fours;
  const g = w - c;
  if (g > 0) {
    const i0 = o + c, b0 = base + c * m - o, b1 = b0 + m, b2 = b1 + m;
    let s0 = 0, s1 = 0, s2 = 0;
    if (g === 1) {
      for (let i = i0 + 1; i < end; i++) s0 += L[b0 + i] * Y[i];
    } else if (g === 2) {
      for (let i = i0 + 2; i < end; i++) {
        const t = Y[i];
        s0 += L[b0 + i] * t;
        s1 += L[b1 + i] * t;
      }
    } else {
      for (let i = i0 + 3; i < end; i++) {
        const t = Y[i];
        s0 += L[b0 + i] * t;
        s1 += L[b1 + i] * t;
        s2 += L[b2 + i] * t;
      }
    }
    sums[0] = s0;
    sums[1] = s1;
    sums[2] = s2;
    downTriangle(L, Y, invD, base, o, d, m, c, g);
  }
  if (fours > 0) {
    c -= 4;
    const i0 = o + c, b0 = base + c * m - o, b1 = b0 + m, b2 = b1 + m, b3 = b2 + m;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (let i = i0 + 4; i < end; i++) {
      const t = Y[i];
      s0 += L[b0 + i] * t;
      s1 += L[b1 + i] * t;
      s2 += L[b2 + i] * t;
      s3 += L[b3 + i] * t;
    }
    sums[0] = s0;
    sums[1] = s1;
    sums[2] = s2;
    sums[3] = s3;
    downTriangle(L, Y, invD, base, o, d, m, c, 4);
  }
  for (c -= 8; c >= 0; c -= 8) {
    const i0 = o + c, b0 = base + c * m - o, b1 = b0 + m, b2 = b1 + m, b3 = b2 + m, b4 = b3 + m, b5 = b4 + m, b6 = b5 + m, b7 = b6 + m;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
    for (let i = i0 + 8; i < end; i++) {
      const t = Y[i];
      s0 += L[b0 + i] * t;
      s1 += L[b1 + i] * t;
      s2 += L[b2 + i] * t;
      s3 += L[b3 + i] * t;
      s4 += L[b4 + i] * t;
      s5 += L[b5 + i] * t;
      s6 += L[b6 + i] * t;
      s7 += L[b7 + i] * t;
    }
    sums[0] = s0;
    sums[1] = s1;
    sums[2] = s2;
    sums[3] = s3;
    sums[4] = s4;
    sums[5] = s5;
    sums[6] = s6;
    sums[7] = s7;
    downTriangle(L, Y, invD, base, o, d, m, c, 8);
  }
}
