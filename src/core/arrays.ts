/**
 * Small helpers between ndarray views and the flat Float64Array storage that
 * hot loops and vector algebra work on.
 */
import ndarray from "ndarray";
import type { Field } from "./contract.js";

/** Wraps a Float64Array as a row-major ndarray of the given shape (no copy). */
export function field(data: Float64Array, shape: readonly number[]): Field {
  const size = shape.reduce((a, b) => a * b, 1);
  if (size !== data.length) {
    throw new RangeError(`field: shape [${shape.join(", ")}] holds ${size} values but the array has ${data.length}`);
  }
  return ndarray(data, shape.slice());
}

/** A new zero-filled row-major field of the given shape. */
export function zeros(shape: readonly number[]): Field {
  return field(new Float64Array(shape.reduce((a, b) => a * b, 1)), shape);
}

function isRowMajor(a: Field): boolean {
  let expected = 1;
  for (let d = a.shape.length - 1; d >= 0; d--) {
    if (a.shape[d] !== 1 && a.stride[d] !== expected) return false;
    expected *= a.shape[d];
  }
  return true;
}

/**
 * The values of a field in row-major order as one Float64Array: the storage
 * itself (no copy) when the view is contiguous row-major, otherwise a copy.
 */
export function flatten(a: Field): Float64Array {
  const size = a.size;
  if (isRowMajor(a)) {
    if (a.offset === 0 && a.data.length === size) return a.data;
    return a.data.subarray(a.offset, a.offset + size);
  }
  const out = new Float64Array(size);
  const shape = a.shape;
  const idx = new Array<number>(shape.length).fill(0);
  for (let k = 0; k < size; k++) {
    out[k] = a.get(...idx);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

/** Throws unless two fields have the same shape. */
export function assertSameShape(a: Field, b: Field, what: string): void {
  if (a.shape.length !== b.shape.length || a.shape.some((n, i) => n !== b.shape[i])) {
    throw new RangeError(`${what}: expected shape [${a.shape.join(", ")}], got [${b.shape.join(", ")}]`);
  }
}

/** Euclidean inner product of two fields of the same shape. */
export function dot(a: Field, b: Field): number {
  assertSameShape(a, b, "dot");
  const x = flatten(a);
  const y = flatten(b);
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * y[i];
  return s;
}

/** A new field a + alpha * b. */
export function axpy(a: Field, alpha: number, b: Field): Field {
  assertSameShape(a, b, "axpy");
  const x = flatten(a);
  const y = flatten(b);
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = x[i] + alpha * y[i];
  return field(out, a.shape);
}

/** Euclidean norm of a field. */
export function norm(a: Field): number {
  return Math.sqrt(dot(a, a));
}

/**
 * Samples u at points given by interpolation weights: out[offset + r stride] =
 * sum_j weight_j u[index_j] for each point r (receivers, sensors).
 */
export function samplePoints(u: Float64Array | Float32Array, points: readonly { index: Int32Array; weight: Float64Array }[], out: Float64Array, offset: number, stride: number): void {
  for (let r = 0; r < points.length; r++) {
    const p = points[r];
    let v = 0;
    for (let j = 0; j < p.index.length; j++) v += p.weight[j] * u[p.index[j]];
    out[offset + r * stride] = v;
  }
}
