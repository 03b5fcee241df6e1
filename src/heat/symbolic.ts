/**
 * Symbolic analysis of a sparse symmetric positive definite matrix for the
 * supernodal (multifrontal) Cholesky factorization of supernodal.ts: what the
 * factor's structure is, computed once per sparsity pattern (per grid), so
 * every numeric factorization (per conductivity) and every solve only runs
 * dense loops over precomputed indices.
 *
 * The pattern is given as n diagonal entries and a list of off-diagonal
 * entries (edges a-b, each standing for A_ab = A_ba), with a fill-reducing
 * elimination order. The analysis (i) renumbers the order by a postorder of
 * its elimination tree (same fill; a subtree's columns become contiguous, so
 * the multifrontal update matrices form a stack), (ii) counts each column of
 * the factor L by row subtrees, (iii) groups consecutive columns with nested
 * structure into supernodes (column j joins j - 1 when j is the parent of j - 1
 * and column j - 1 is column j plus its diagonal), whose columns share one row
 * pattern and are stored as one dense panel, and (iv) precomputes where every
 * matrix entry lands in its supernode's frontal matrix and where every update
 * row lands in the parent's front.
 */

/** The structure of a supernodal Cholesky factor (read-only once built). */
export interface CholeskyPattern {
  /** Matrix size. */
  readonly n: number;
  /** `perm[q]` = the original index of the q-th eliminated unknown. */
  readonly perm: Int32Array;
  /** Number of supernodes. */
  readonly count: number;
  /** Supernode s holds columns first[s] .. first[s + 1] - 1. */
  readonly first: Int32Array;
  /** Rows of supernode s below its columns: pattern[patternStart[s] .. patternStart[s + 1]], ascending. */
  readonly patternStart: Int32Array;
  readonly pattern: Int32Array;
  /** For each entry of `pattern`, its row's index in the parent supernode's frontal matrix. */
  readonly relative: Int32Array;
  /** Children of supernode s (ascending): children[childStart[s] .. childStart[s + 1]]. */
  readonly childStart: Int32Array;
  readonly children: Int32Array;
  /**
   * Matrix entries assembled into supernode s's front: for e in entryStart[s] .. entryStart[s + 1],
   * value index entrySource[e] (0..n-1: diagonal of that original unknown; n + k: edge k) lands at
   * entryPosition[e] of the column-major front (row + col * front size).
   */
  readonly entryStart: Int32Array;
  readonly entrySource: Int32Array;
  readonly entryPosition: Int32Array;
  /** The parent supernode of s (-1 for a root). */
  readonly parent: Int32Array;
  /** Offset of supernode s's rows (front size) in a vector of all fronts' rows. */
  readonly frontStart: Int32Array;
  /** The largest frontal matrix (rows) and the peak of the update-matrix stack (values). */
  readonly maxFront: number;
  readonly stackSize: number;
  /** Nonzeros of L (diagonal included). */
  readonly factorEntries: number;
}

/** The elimination tree of the pattern in the given order (Liu's algorithm with path compression). */
function eliminationTree(n: number, a: Int32Array, b: Int32Array, position: Int32Array): { parent: Int32Array; lowerStart: Int32Array; lower: Int32Array } {
  // For each row i, the columns k < i it touches (CSR of the strictly lower triangle).
  const lowerStart = new Int32Array(n + 1);
  for (let e = 0; e < a.length; e++) lowerStart[Math.max(position[a[e]], position[b[e]]) + 1]++;
  for (let i = 0; i < n; i++) lowerStart[i + 1] += lowerStart[i];
  const fill = lowerStart.slice(0, n), lower = new Int32Array(a.length);
  for (let e = 0; e < a.length; e++) {
    const qa = position[a[e]], qb = position[b[e]];
    if (qa === qb) throw new Error(`eliminationTree: edge ${e} joins an unknown to itself`);
    lower[fill[Math.max(qa, qb)]++] = Math.min(qa, qb);
  }
  const parent = new Int32Array(n).fill(-1), ancestor = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    for (let e = lowerStart[i]; e < lowerStart[i + 1]; e++) {
      let r = lower[e];
      while (ancestor[r] !== -1 && ancestor[r] !== i) {
        const next = ancestor[r];
        ancestor[r] = i;
        r = next;
      }
      if (ancestor[r] === -1) {
        ancestor[r] = i;
        parent[r] = i;
      }
    }
  }
  return { parent, lowerStart, lower };
}

/** A postorder of the forest `parent` (children in ascending order): post[k] = the k-th node. */
function postorder(parent: Int32Array): Int32Array {
  const n = parent.length;
  const head = new Int32Array(n).fill(-1), next = new Int32Array(n).fill(-1);
  for (let j = n - 1; j >= 0; j--) {
    if (parent[j] !== -1) {
      next[j] = head[parent[j]];
      head[parent[j]] = j;
    }
  }
  const post = new Int32Array(n), stack = new Int32Array(n);
  let k = 0;
  for (let root = 0; root < n; root++) {
    if (parent[root] !== -1) continue;
    let top = 0;
    stack[0] = root;
    while (top >= 0) {
      const p = stack[top], c = head[p];
      if (c === -1) {
        post[k++] = p;
        top--;
      } else {
        head[p] = next[c];
        stack[++top] = c;
      }
    }
  }
  return post;
}

/**
 * The first columns of the supernodes. Fundamental ones first: column j joins
 * j - 1 when it is j - 1's parent and their structures nest. Then (relax) a
 * supernode joins the next one when that is its parent and the merged dense
 * panel stores few explicit zeros (under 30% of its entries up to 16
 * columns, 10% up to 48, 5% beyond: CHOLMOD's relaxed amalgamation, with a
 * lower first threshold, measured fastest for the solves on 2D grids), since
 * many tiny supernodes cost more in loop overhead than a few zeros cost in
 * arithmetic and memory traffic.
 */
function supernodes(parent: Int32Array, below: Int32Array, relax: boolean): number[] {
  const n = parent.length;
  const firstList = [0];
  let nonzeros = below[0] + 1; // of the current supernode's columns
  for (let j = 1; j < n; j++) {
    const width = j - firstList[firstList.length - 1] + 1;
    const joined = parent[j - 1] === j && below[j - 1] === below[j] + 1;
    const size = (width * (width + 1)) / 2 + width * below[j];
    const zeros = size - nonzeros - below[j] - 1;
    if (joined || (relax && parent[j - 1] === j &&
      ((width <= 16 && zeros < 0.3 * size) || (width <= 48 && zeros < 0.1 * size) || zeros < 0.05 * size))) {
      nonzeros += below[j] + 1;
    } else {
      firstList.push(j);
      nonzeros = below[j] + 1;
    }
  }
  return firstList;
}

/**
 * Analyses the pattern of n diagonal entries and the edges a[k]-b[k]
 * (original indices, each edge once) for elimination in `order`
 * (order[q] = original index eliminated q-th).
 */
export function analyze(n: number, a: Int32Array, b: Int32Array, order: Int32Array, relax = true): CholeskyPattern {
  // Postorder the elimination tree of `order` (same factor up to symmetric permutation, same fill).
  let position = new Int32Array(n);
  for (let q = 0; q < n; q++) position[order[q]] = q;
  const post = postorder(eliminationTree(n, a, b, position).parent);
  const perm = new Int32Array(n);
  for (let k = 0; k < n; k++) perm[k] = order[post[k]];
  position = new Int32Array(n);
  for (let q = 0; q < n; q++) position[perm[q]] = q;
  const { parent, lowerStart, lower } = eliminationTree(n, a, b, position);

  // Column counts below the diagonal: row i's nonzeros are the row subtree from its entries up to i.
  const below = new Int32Array(n), mark = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    mark[i] = i;
    for (let e = lowerStart[i]; e < lowerStart[i + 1]; e++) {
      for (let r = lower[e]; mark[r] !== i; r = parent[r]) {
        below[r]++;
        mark[r] = i;
      }
    }
  }
  let factorEntries = n;
  for (let j = 0; j < n; j++) factorEntries += below[j];

  const firstList = supernodes(parent, below, relax);
  const count = firstList.length;
  const first = new Int32Array(count + 1);
  first.set(firstList);
  first[count] = n;
  const owner = new Int32Array(n);
  for (let s = 0; s < count; s++) owner.fill(s, first[s], first[s + 1]);
  const superParent = new Int32Array(count);
  const childStart = new Int32Array(count + 1);
  for (let s = 0; s < count; s++) {
    const p = parent[first[s + 1] - 1];
    superParent[s] = p === -1 ? -1 : owner[p];
    if (p !== -1) childStart[owner[p] + 1]++;
  }
  for (let s = 0; s < count; s++) childStart[s + 1] += childStart[s];
  const children = new Int32Array(childStart[count]);
  {
    const fill = childStart.slice(0, count);
    for (let s = 0; s < count; s++) if (superParent[s] !== -1) children[fill[superParent[s]]++] = s;
  }

  // Row patterns: the last column's rows below it (r_s = below[last]), each the union of the
  // supernode's own entries below its columns and its children's patterns.
  const patternStart = new Int32Array(count + 1);
  for (let s = 0; s < count; s++) patternStart[s + 1] = patternStart[s] + below[first[s + 1] - 1];
  const pattern = new Int32Array(patternStart[count]);
  const relative = new Int32Array(patternStart[count]);
  // Edges by their earlier-eliminated end (the column whose front receives them).
  const upperStart = new Int32Array(n + 1);
  for (let e = 0; e < a.length; e++) upperStart[Math.min(position[a[e]], position[b[e]]) + 1]++;
  for (let j = 0; j < n; j++) upperStart[j + 1] += upperStart[j];
  const upper = new Int32Array(a.length);
  {
    const fill = upperStart.slice(0, n);
    for (let e = 0; e < a.length; e++) upper[fill[Math.min(position[a[e]], position[b[e]])]++] = e;
  }
  const entryStart = new Int32Array(count + 1), entrySource = new Int32Array(n + a.length), entryPosition = new Int32Array(n + a.length);
  const frontStart = new Int32Array(count + 1);
  const local = new Int32Array(n); // row -> index in the current front
  mark.fill(-1);
  let maxFront = 0, stack = 0, stackSize = 0, entries = 0;
  for (let s = 0; s < count; s++) {
    const f = first[s], l = first[s + 1], w = l - f, start = patternStart[s];
    let r = 0;
    const add = (row: number): void => {
      if (row >= l && mark[row] !== s) {
        mark[row] = s;
        pattern[start + r++] = row;
      }
    };
    for (let j = f; j < l; j++) for (let e = upperStart[j]; e < upperStart[j + 1]; e++) add(position[a[upper[e]]] + position[b[upper[e]]] - j);
    for (let c = childStart[s]; c < childStart[s + 1]; c++) {
      const ch = children[c];
      for (let e = patternStart[ch]; e < patternStart[ch + 1]; e++) add(pattern[e]);
    }
    if (r !== patternStart[s + 1] - start) throw new Error(`analyze: supernode ${s} has ${r} rows, its column count says ${patternStart[s + 1] - start}`);
    pattern.subarray(start, start + r).sort();
    const m = w + r;
    for (let j = f; j < l; j++) local[j] = j - f;
    for (let k = 0; k < r; k++) local[pattern[start + k]] = w + k;
    for (let c = childStart[s]; c < childStart[s + 1]; c++) {
      const ch = children[c];
      for (let e = patternStart[ch]; e < patternStart[ch + 1]; e++) relative[e] = local[pattern[e]];
      const rc = patternStart[ch + 1] - patternStart[ch];
      stack -= rc * rc;
    }
    entryStart[s] = entries;
    for (let j = f; j < l; j++) {
      entrySource[entries] = perm[j];
      entryPosition[entries++] = (j - f) * (m + 1);
      for (let e = upperStart[j]; e < upperStart[j + 1]; e++) {
        const row = position[a[upper[e]]] + position[b[upper[e]]] - j;
        entrySource[entries] = n + upper[e];
        entryPosition[entries++] = local[row] + (j - f) * m;
      }
    }
    // The children's updates were popped as they were assembled; this supernode's is pushed.
    stack += r * r;
    stackSize = Math.max(stackSize, stack);
    maxFront = Math.max(maxFront, m);
    frontStart[s + 1] = frontStart[s] + m;
  }
  entryStart[count] = entries;
  return { n, perm, count, first, patternStart, pattern, relative, childStart, children, parent: superParent, entryStart, entrySource, entryPosition, frontStart, maxFront, stackSize, factorEntries };
}
