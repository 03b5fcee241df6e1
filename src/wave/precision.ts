/**
 * The floating-point format of a wave simulator's state, stored wavefields and checkpoints
 * (`WaveConfig.precision`), and the arrays of it.
 */
import { InputError, describe } from "../core/errors.js";

/** "float64" (the default) or "float32". */
export type Precision = "float64" | "float32";

/** An array of the working precision. */
export type Real = Float64Array | Float32Array;

/** The typed-array constructor of a precision. */
export function realArray(precision: Precision): typeof Float64Array | typeof Float32Array {
  return precision === "float32" ? Float32Array : Float64Array;
}

/** Bytes per value of a precision. */
export function bytesPerValue(precision: Precision): 4 | 8 {
  return precision === "float32" ? 4 : 8;
}

/**
 * A validated precision (undefined: float64).
 * @throws {InputError} naming `field` for anything else.
 */
export function precisionOf(v: unknown, field = "precision"): Precision {
  if (v === undefined) return "float64";
  if (v === "float64" || v === "float32") return v;
  throw new InputError(field, `expected "float64" or "float32", got ${describe(v)}`);
}
