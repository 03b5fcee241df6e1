/** Source wavelets for the wave simulator. */

/**
 * A Ricker (Mexican hat) wavelet sampled at t_n = n dt, n = 0..nt-1:
 * w(t) = (1 - 2 pi^2 f^2 (t - delay)^2) exp(-pi^2 f^2 (t - delay)^2).
 *
 * @param frequency peak frequency f (Hz)
 * @param nt number of samples
 * @param dt sample interval (s)
 * @param delay time shift of the peak (s); default 1.5 / f so the wavelet starts near zero
 */
export function ricker(frequency: number, nt: number, dt: number, delay = 1.5 / frequency): Float64Array {
  if (!(frequency > 0) || !Number.isFinite(frequency)) throw new RangeError(`ricker: frequency must be a positive number of Hz, got ${frequency}`);
  if (!Number.isInteger(nt) || nt < 1) throw new RangeError(`ricker: nt must be a positive integer, got ${nt}`);
  if (!(dt > 0) || !Number.isFinite(dt)) throw new RangeError(`ricker: dt must be a positive number of seconds, got ${dt}`);
  const w = new Float64Array(nt);
  for (let n = 0; n < nt; n++) {
    const a = (Math.PI * frequency * (n * dt - delay)) ** 2;
    w[n] = (1 - 2 * a) * Math.exp(-a);
  }
  return w;
}

/**
 * The highest frequency (Hz) at which the amplitude spectrum of `w` still
 * reaches `fraction` of its peak (a direct DFT on a grid of 512 frequencies).
 */
export function maxFrequency(w: Float64Array, dt: number, fraction = 0.01): number {
  const bins = 512;
  const nyquist = 0.5 / dt;
  const amplitude = new Float64Array(bins + 1);
  let peak = 0;
  for (let b = 0; b <= bins; b++) {
    const omega = (2 * Math.PI * (b / bins) * nyquist) * dt;
    let re = 0;
    let im = 0;
    for (let n = 0; n < w.length; n++) {
      re += w[n] * Math.cos(omega * n);
      im -= w[n] * Math.sin(omega * n);
    }
    amplitude[b] = Math.hypot(re, im);
    peak = Math.max(peak, amplitude[b]);
  }
  for (let b = bins; b >= 0; b--) if (amplitude[b] >= fraction * peak) return (b / bins) * nyquist;
  return 0;
}
