/**
 * The dense panels of the supernodal factor and their kernels: one
 * supernode's triangular solves, L z = y going up and L^T x = z going down,
 * on its front rows Y[o .. o + m].
 *
 * A supernode's w columns are cut into groups: eights, then a four if four
 * or more remain, then the rest (one to three). A group of g columns starting
 * at column c0 is stored row by row from row c0 down to row m - 1, g values a
 * row (entry (i, c0 + k) at block + (i - c0) g + k; the upper triangle of its
 * first g rows is unused). One pass over the rows below then serves a whole
 * group, reading the factor as one forward stream: going up, each row's value
 * is loaded and stored once per group; going down, it is loaded once and
 * shared by the group's g dot products.
 */

/** Values below this magnitude are flushed to zero going down (far from any result, and never subnormal). */
const TINY = 1e-290;

/** Sums of a group's dot products going down. */
const sums = new Float64Array(8);

/** The width of the group starting at column c of a supernode of w columns. */
function groupWidth(c: number, w: number): number {
  return w - c >= 8 ? 8 : w - c >= 4 ? 4 : w - c;
}

/** Values a panel of w columns and m rows (front size) holds. */
export function panelSize(w: number, m: number): number {
  let size = 0;
  for (let c = 0; c < w; ) {
    const g = groupWidth(c, w);
    size += (m - c) * g;
    c += g;
  }
  return size;
}

/**
 * Stores the first w columns of the column-major m x m front F (rows c..m-1
 * of column c) as the panel at P[base ..].
 */
export function storePanel(F: Float64Array, P: Float64Array, base: number, w: number, m: number): void {
  let block = base;
  for (let c0 = 0; c0 < w; ) {
    const g = groupWidth(c0, w);
    for (let i = c0; i < m; i++) {
      const row = block + (i - c0) * g;
      for (let k = 0; k < g; k++) P[row + k] = i >= c0 + k ? F[(c0 + k) * m + i] : 0;
    }
    block += (m - c0) * g;
    c0 += g;
  }
}

/** The triangle of a group going up: solves for its g unknowns in place (Y[o + c0 + k] becomes z). */
function upTriangle(L: Float64Array, Y: Float64Array, invD: Float64Array, block: number, o: number, d: number, c0: number, g: number): void {
  for (let k = 0; k < g; k++) {
    const v = Y[o + c0 + k] * invD[d + c0 + k];
    Y[o + c0 + k] = v;
    for (let kk = k + 1; kk < g; kk++) Y[o + c0 + kk] -= L[block + kk * g + k] * v;
  }
}

/**
 * L z = y on one panel at L[base ..] (its first w rows become z, the rows
 * below receive -L_below z). invD[d + c] = 1 / L_cc.
 */
export function lowerSolve(L: Float64Array, Y: Float64Array, invD: Float64Array, base: number, o: number, d: number, w: number, m: number): void {
  const end = o + m;
  let block = base, c0 = 0;
  for (; w - c0 >= 8; block += (m - c0) * 8, c0 += 8) {
    upTriangle(L, Y, invD, block, o, d, c0, 8);
    const i0 = o + c0;
    const v0 = Y[i0], v1 = Y[i0 + 1], v2 = Y[i0 + 2], v3 = Y[i0 + 3], v4 = Y[i0 + 4], v5 = Y[i0 + 5], v6 = Y[i0 + 6], v7 = Y[i0 + 7];
    for (let i = i0 + 8, q = block + 64; i < end; i++, q += 8) {
      Y[i] -= (L[q] * v0 + L[q + 1] * v1 + L[q + 2] * v2 + L[q + 3] * v3) + (L[q + 4] * v4 + L[q + 5] * v5 + L[q + 6] * v6 + L[q + 7] * v7);
    }
  }
  if (w - c0 >= 4) {
    upTriangle(L, Y, invD, block, o, d, c0, 4);
    const i0 = o + c0;
    const v0 = Y[i0], v1 = Y[i0 + 1], v2 = Y[i0 + 2], v3 = Y[i0 + 3];
    for (let i = i0 + 4, q = block + 16; i < end; i++, q += 4) Y[i] -= L[q] * v0 + L[q + 1] * v1 + L[q + 2] * v2 + L[q + 3] * v3;
    block += (m - c0) * 4;
    c0 += 4;
  }
  const g = w - c0;
  if (g === 0) return;
  upTriangle(L, Y, invD, block, o, d, c0, g);
  const i0 = o + c0, v0 = Y[i0];
  if (g === 1) {
    for (let i = i0 + 1, q = block + 1; i < end; i++, q++) Y[i] -= L[q] * v0;
  } else if (g === 2) {
    const v1 = Y[i0 + 1];
    for (let i = i0 + 2, q = block + 4; i < end; i++, q += 2) Y[i] -= L[q] * v0 + L[q + 1] * v1;
  } else {
    const v1 = Y[i0 + 1], v2 = Y[i0 + 2];
    for (let i = i0 + 3, q = block + 9; i < end; i++, q += 3) Y[i] -= L[q] * v0 + L[q + 1] * v1 + L[q + 2] * v2;
  }
}

/**
 * The triangle of a group going down, given each column's dot product with
 * the rows below the group in `sums`: solves for its g unknowns, last first,
 * flushing values below TINY to zero.
 */
function downTriangle(L: Float64Array, Y: Float64Array, invD: Float64Array, block: number, o: number, d: number, c0: number, g: number): void {
  for (let k = g - 1; k >= 0; k--) {
    let s = Y[o + c0 + k] - sums[k];
    for (let kk = k + 1; kk < g; kk++) s -= L[block + kk * g + k] * Y[o + c0 + kk];
    const v = s * invD[d + c0 + k];
    Y[o + c0 + k] = v < TINY && v > -TINY ? 0 : v;
  }
}

/**
 * L^T x = z on one panel at L[base ..], the rows below already holding the
 * solution there: the panel's first w rows become x.
 */
export function upperSolve(L: Float64Array, Y: Float64Array, invD: Float64Array, base: number, o: number, d: number, w: number, m: number): void {
  const end = o + m;
  // The groups of lowerSolve in reverse: the last (fewer than four columns), a four, the eights.
  const eights = w - (w % 8), fours = w - eights >= 4 ? 4 : 0;
  let c0 = eights + fours, block = base + panelSize(w, m);
  const g = w - c0;
  if (g > 0) {
    block -= (m - c0) * g;
    const i0 = o + c0;
    let s0 = 0, s1 = 0, s2 = 0;
    if (g === 1) {
      for (let i = end - 1, q = block + (m - c0 - 1); i > i0; i--, q--) s0 += L[q] * Y[i];
    } else if (g === 2) {
      for (let i = end - 1, q = block + (m - c0 - 1) * 2; i > i0 + 1; i--, q -= 2) {
        const t = Y[i];
        s0 += L[q] * t;
        s1 += L[q + 1] * t;
      }
    } else {
      for (let i = end - 1, q = block + (m - c0 - 1) * 3; i > i0 + 2; i--, q -= 3) {
        const t = Y[i];
        s0 += L[q] * t;
        s1 += L[q + 1] * t;
        s2 += L[q + 2] * t;
      }
    }
    sums[0] = s0;
    sums[1] = s1;
    sums[2] = s2;
    downTriangle(L, Y, invD, block, o, d, c0, g);
  }
  if (fours > 0) {
    c0 -= 4;
    block -= (m - c0) * 4;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (let i = end - 1, q = block + (m - c0 - 1) * 4; i >= o + c0 + 4; i--, q -= 4) {
      const t = Y[i];
      s0 += L[q] * t;
      s1 += L[q + 1] * t;
      s2 += L[q + 2] * t;
      s3 += L[q + 3] * t;
    }
    sums[0] = s0;
    sums[1] = s1;
    sums[2] = s2;
    sums[3] = s3;
    downTriangle(L, Y, invD, block, o, d, c0, 4);
  }
  while (c0 > 0) {
    c0 -= 8;
    block -= (m - c0) * 8;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
    for (let i = end - 1, q = block + (m - c0 - 1) * 8; i >= o + c0 + 8; i--, q -= 8) {
      const t = Y[i];
      s0 += L[q] * t;
      s1 += L[q + 1] * t;
      s2 += L[q + 2] * t;
      s3 += L[q + 3] * t;
      s4 += L[q + 4] * t;
      s5 += L[q + 5] * t;
      s6 += L[q + 6] * t;
      s7 += L[q + 7] * t;
    }
    sums[0] = s0;
    sums[1] = s1;
    sums[2] = s2;
    sums[3] = s3;
    sums[4] = s4;
    sums[5] = s5;
    sums[6] = s6;
    sums[7] = s7;
    downTriangle(L, Y, invD, block, o, d, c0, 8);
  }
}
