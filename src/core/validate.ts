/** Checks of configuration values shared by every simulator; each throws {@link InputError} naming the field. */
import type { Field } from "./contract.js";
import { InputError, NonFiniteError, describe } from "./errors.js";

export function positiveInteger(v: unknown, field: string): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1) throw new InputError(field, `expected a positive integer, got ${describe(v)}`);
  return v;
}

export function positiveNumber(v: unknown, field: string): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v <= 0) throw new InputError(field, `expected a positive finite number, got ${describe(v)}`);
  return v;
}

export function finiteNumber(v: unknown, field: string): number {
  if (typeof v !== "number" || !Number.isFinite(v)) throw new InputError(field, `expected a finite number, got ${describe(v)}`);
  return v;
}

/**
 * A number, or an array-like of `length` numbers, as a Float64Array of
 * `length` finite values (a number fills it).
 */
export function finiteArray(v: unknown, length: number, field: string, check: (x: number) => boolean = () => true, what = "finite number"): Float64Array {
  if (typeof v === "number") {
    if (!Number.isFinite(v) || !check(v)) throw new InputError(field, `expected a ${what}, got ${describe(v)}`);
    return new Float64Array(length).fill(v);
  }
  const a = v as ArrayLike<number> | undefined;
  if (a === null || typeof a !== "object" || typeof a.length !== "number" || a.length !== length) {
    throw new InputError(field, `expected a number or ${length} numbers, got ${describe(v)}`);
  }
  const out = Float64Array.from(a);
  const bad = out.findIndex((x) => !Number.isFinite(x) || !check(x));
  if (bad >= 0) throw new InputError(`${field}[${bad}]`, `expected a ${what}, got ${describe(a[bad])}`);
  return out;
}

/** Throws {@link InputError} unless the field has exactly this shape. */
export function checkShape(a: Field, shape: readonly number[], name: string): void {
  checkField(a, name);
  if (a.shape.length !== shape.length || a.shape.some((n, i) => n !== shape[i])) {
    throw new InputError(name, `expected shape [${shape.join(", ")}], got [${a.shape.join(", ")}]`);
  }
}

/**
 * Throws {@link InputError} naming `name` unless `a` is an ndarray (what every
 * simulator takes and returns), so that a plain array or typed array gets a
 * sentence instead of a TypeError from deep inside.
 */
export function checkField(a: unknown, name: string): asserts a is Field {
  const f = a as Partial<Field> | null;
  if (typeof f !== "object" || f === null || !Array.isArray(f.shape) || typeof f.get !== "function" || f.data === undefined) {
    throw new InputError(name, `expected an ndarray (make one with field(values, shape)), got ${describe(a)}`);
  }
}

/** Throws {@link NonFiniteError} at the first NaN or infinity of a result. */
export function assertFinite(a: Float64Array, what: string): void {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) throw new NonFiniteError(`${what} (at flat index ${i})`);
}
