/**
 * Joint inversion: several objectives, each on its own block of one
 * optimization vector x = [x_1, x_2, ...], plus coupling terms between
 * blocks:
 *
 *   J(x) = sum_b J_b(x_b) + sum_c w_c C_c(x_i, x_j).
 *
 * Each block's objective already carries its data, its regularization and its
 * parametrization (a {@link DataObjective}: J_b of the block's optimization
 * variables), so the blocks may be different physics with different
 * parametrizations; the gradient is the blocks' gradients side by side plus
 * each coupling's two partial gradients.
 *
 * Couplings act on the blocks' optimization variables (with log
 * parametrizations: log-velocity and log-conductivity, whose jumps across the
 * interfaces of layered rock are roughly proportional).
 *
 * Hessian-vector products (for Newton-CG) stack the same way, when every block
 * has them and every coupling its Hessian: the blocks' products side by side
 * plus each coupling's Hessian applied to the two blocks of v.
 */
import { InputError, NonFiniteError } from "../core/errors.js";
import type { DataObjective } from "./objective.js";
import type { Parametrization } from "./parametrization.js";
import type { HessianVectorProduct, Objective } from "./types.js";

/** A penalty tying two blocks of equal length together. */
export interface Coupling {
  readonly name: string;
  /** Returns C(a, b) and writes dC/da into `ga`, dC/db into `gb`. */
  evaluate(a: Float64Array, b: Float64Array, ga: Float64Array, gb: Float64Array): number;
  /** Writes the Hessian of C at (a, b) applied to (va, vb) into (ha, hb): its a and b parts. */
  hessianVector?(a: Float64Array, b: Float64Array, va: Float64Array, vb: Float64Array, ha: Float64Array, hb: Float64Array): void;
}

/**
 * Gradient similarity 1/2 sum_k (Da_k - alpha Db_k)^2 with D the forward
 * difference along a profile (Da_k = a_{k+1} - a_k): small when a changes
 * where b does, by alpha times as much. (In 1D the cross-gradient vanishes
 * identically, so similarity is the structural coupling there.)
 */
export function gradientSimilarity(alpha: number): Coupling {
  if (!Number.isFinite(alpha)) throw new InputError("gradientSimilarity.alpha", `expected a finite ratio, got ${alpha}`);
  const evaluate = (a: Float64Array, b: Float64Array, ga: Float64Array, gb: Float64Array): number => {
    if (a.length !== b.length) throw new InputError("gradientSimilarity", `the blocks must have equal lengths, got ${a.length} and ${b.length}`);
    ga.fill(0);
    gb.fill(0);
    let v = 0;
    for (let k = 0; k + 1 < a.length; k++) {
      const e = a[k + 1] - a[k] - alpha * (b[k + 1] - b[k]);
      v += 0.5 * e * e;
      ga[k + 1] += e;
      ga[k] -= e;
      gb[k + 1] -= alpha * e;
      gb[k] += alpha * e;
    }
    return v;
  };
  return {
    name: "gradient-similarity",
    evaluate,
    // A quadratic form of (a, b): its Hessian applied to (va, vb) is its gradient at (va, vb).
    hessianVector: (_a, _b, va, vb, ha, hb) => void evaluate(va, vb, ha, hb),
  };
}

/** One block: its name (prefixes its terms) and its objective on its optimization variables. */
export interface JointBlock {
  name: string;
  /** Length of the block in x. */
  size: number;
  objective: DataObjective;
}

/** A weighted coupling between blocks `between[0]` and `between[1]` (indices into the blocks). */
export interface WeightedCoupling {
  term: Coupling;
  weight: number;
  between: readonly [number, number];
}

/** The stacked objective, its terms, and where each block lies in x. */
export interface JointObjective {
  objective: Objective;
  /** Stacked Hessian-vector products: present when every block has them and every coupling its Hessian. */
  hessianVector?: HessianVectorProduct;
  /** At the last evaluation: every block's terms as `<block>.<term>`, and each weighted coupling by name. */
  readonly terms: Record<string, number>;
  /** Offset of each block in x. */
  readonly offsets: readonly number[];
  /** The views of x (or of a gradient) on each block. */
  split(x: Float64Array): Float64Array[];
}

/** Builds J(x) of {@link JointBlock}s and {@link WeightedCoupling}s; see the module documentation. */
export function jointObjective(blocks: readonly JointBlock[], couplings: readonly WeightedCoupling[] = []): JointObjective {
  if (blocks.length === 0) throw new InputError("blocks", "expected at least one block");
  const offsets: number[] = [];
  let n = 0;
  blocks.forEach((b, i) => {
    if (!Number.isInteger(b.size) || b.size < 1) throw new InputError(`blocks[${i}].size`, `expected a positive integer, got ${b.size}`);
    offsets.push(n);
    n += b.size;
  });
  couplings.forEach((c, j) => {
    if (!(c.weight >= 0) || !Number.isFinite(c.weight)) throw new InputError(`couplings[${j}].weight`, `expected a non-negative finite weight, got ${c.weight}`);
    for (const i of c.between) if (!Number.isInteger(i) || i < 0 || i >= blocks.length) throw new InputError(`couplings[${j}].between`, `expected block indices in [0, ${blocks.length - 1}], got ${c.between.join(", ")}`);
    if (c.between[0] === c.between[1]) throw new InputError(`couplings[${j}].between`, `expected two different blocks, got ${c.between[0]} twice`);
  });
  const split = (x: Float64Array) => blocks.map((b, i) => x.subarray(offsets[i], offsets[i] + b.size));
  const terms: Record<string, number> = {};
  const ga = blocks.map((b) => new Float64Array(b.size));
  const gb = blocks.map((b) => new Float64Array(b.size));
  const objective: Objective = (x, gx) => {
    if (x.length !== n) throw new InputError("x", `expected ${n} values (the blocks' sizes summed), got ${x.length}`);
    const xs = split(x), gs = split(gx);
    let total = 0;
    blocks.forEach((b, i) => {
      total += b.objective.objective(xs[i], gs[i]);
      for (const [t, v] of Object.entries(b.objective.terms)) terms[`${b.name}.${t}`] = v;
    });
    for (const { term, weight, between: [i, j] } of couplings) {
      const v = weight * term.evaluate(xs[i], xs[j], ga[i], gb[j]);
      if (!Number.isFinite(v)) throw new NonFiniteError(`coupling term "${term.name}"`);
      terms[term.name] = v;
      total += v;
      for (let k = 0; k < ga[i].length; k++) gs[i][k] += weight * ga[i][k];
      for (let k = 0; k < gb[j].length; k++) gs[j][k] += weight * gb[j][k];
    }
    return total;
  };
  const second = blocks.every((b) => b.objective.hessianVector !== undefined) && couplings.every((c) => c.term.hessianVector !== undefined);
  const ha = blocks.map((b) => new Float64Array(b.size));
  const hb = blocks.map((b) => new Float64Array(b.size));
  const hessianVector: HessianVectorProduct = (x, v, out) => {
    const xs = split(x), vs = split(v), outs = split(out);
    blocks.forEach((b, i) => b.objective.hessianVector!(xs[i], vs[i], outs[i]));
    for (const { term, weight, between: [i, j] } of couplings) {
      term.hessianVector!(xs[i], xs[j], vs[i], vs[j], ha[i], hb[j]);
      for (let k = 0; k < ha[i].length; k++) outs[i][k] += weight * ha[i][k];
      for (let k = 0; k < hb[j].length; k++) outs[j][k] += weight * hb[j][k];
    }
  };
  return { objective, hessianVector: second ? hessianVector : undefined, terms, offsets, split };
}

/**
 * Per-block parametrizations as one: block b of x (its `sizes[b]` values, in
 * order) maps through `params[b]`, so a stacked model (velocity, then
 * conductivity) reads back from a joint x.
 */
export function blockParametrization(params: readonly Parametrization[], sizes: readonly number[]): Parametrization {
  if (params.length !== sizes.length) throw new InputError("blockParametrization", `expected one parametrization per block, got ${params.length} for ${sizes.length} blocks`);
  const ends = sizes.reduce<number[]>((acc, s) => [...acc, acc[acc.length - 1] + s], [0]);
  const each = (f: (p: Parametrization, lo: number, hi: number) => void) => params.forEach((p, b) => f(p, ends[b], ends[b + 1]));
  return {
    name: params.map((p) => p.name).join("+"),
    toModel: (x, m) => each((p, lo, hi) => p.toModel(x.subarray(lo, hi), m.subarray(lo, hi))),
    toParameter: (m, x) => each((p, lo, hi) => p.toParameter(m.subarray(lo, hi), x.subarray(lo, hi))),
    chain: (x, m, gm, gx) => each((p, lo, hi) => p.chain(x.subarray(lo, hi), m.subarray(lo, hi), gm.subarray(lo, hi), gx.subarray(lo, hi))),
  };
}
