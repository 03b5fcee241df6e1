/**
 * Zero-phase low-pass filtering of traces, for frequency continuation: the
 * observed data and the source wavelet go through the same filter, so the
 * simulator's band-limited predictions match band-limited observations.
 */
import FFT from "fft.js";
import { InputError } from "../core/errors.js";
import { frequencyLimit } from "./config.js";

/**
 * Low-passes every trace of `traceLength` samples (interval dt seconds) with the
 * zero-phase response H(f) = 1 / (1 + (f / cutoff)^(2 order)) — the magnitude of
 * a Butterworth filter of that order run forwards and backwards. Traces are
 * zero-padded to at least twice their length so the filter does not wrap around.
 *
 * @param cutoff frequency (Hz) where the response is 1/2 (-6 dB); Infinity returns a copy
 */
export function lowPass(traces: Float64Array, traceLength: number, dt: number, cutoff: number, order = 4): Float64Array {
  if (!Number.isInteger(traceLength) || traceLength < 1 || traces.length % traceLength !== 0) {
    throw new InputError("traceLength", `expected a positive integer dividing ${traces.length}, got ${traceLength}`);
  }
  if (!(dt > 0)) throw new InputError("dt", `expected a positive interval (s), got ${dt}`);
  if (!(cutoff > 0)) throw new InputError("cutoff", `expected a positive frequency (Hz) or Infinity, got ${cutoff}`);
  if (!Number.isInteger(order) || order < 1) throw new InputError("order", `expected a positive integer, got ${order}`);
  const out = Float64Array.from(traces);
  if (cutoff === Infinity) return out;
  let size = 4;
  while (size < 2 * traceLength) size *= 2;
  const fft = new FFT(size);
  const input = new Float64Array(size);
  const spectrum = fft.createComplexArray();
  const complexIn = fft.createComplexArray();
  const back = fft.createComplexArray();
  const response = new Float64Array(size);
  for (let k = 0; k < size; k++) {
    const f = Math.min(k, size - k) / (size * dt);
    response[k] = 1 / (1 + (f / cutoff) ** (2 * order));
  }
  for (let t = 0; t < traces.length; t += traceLength) {
    input.fill(0);
    input.set(traces.subarray(t, t + traceLength));
    fft.toComplexArray(input, complexIn);
    fft.transform(spectrum, complexIn);
    for (let k = 0; k < size; k++) {
      spectrum[2 * k] *= response[k];
      spectrum[2 * k + 1] *= response[k];
    }
    fft.inverseTransform(back, spectrum);
    for (let i = 0; i < traceLength; i++) out[t + i] = back[2 * i];
  }
  return out;
}

/**
 * What a simulator's band below `cutoff` (Hz) changes in its layout, for frequency continuation
 * (`lowPassed` of the 1D and 2D simulators): every shot's wavelet low-passed by {@link lowPass},
 * and the frequency limit of the filtered wavelets (which the dispersion warning reads).
 * @throws {InputError} naming `cutoff` unless it is a positive frequency or Infinity.
 */
export function lowPassedWavelets(lay: { readonly wavelets: readonly Float64Array[]; readonly nt: number; readonly dt: number }, cutoff: number): { wavelets: Float64Array[]; fmax: number } {
  const wavelets = lay.wavelets.map((w) => lowPass(w, lay.nt, lay.dt, cutoff));
  return { wavelets, fmax: frequencyLimit(wavelets, lay.dt) };
}
