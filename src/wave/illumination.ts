/**
 * Illumination of a wave problem (WaveSimulator.illumination documents the quantities): the
 * time-integrated squared second time derivative of forward wavefields, per model cell.
 */
import type { Layout, PointWeights } from "./config.js";
import { Propagator } from "./kernel.js";

/**
 * Source-side illumination summed over shots, or with `receiverSide` each shot's multiplied
 * cell by cell by its receivers' (one forward run per distinct receiver and wavelet); `k` is the
 * coefficient c^2 dt^2 / dx^2 on the working grid.
 */
export function illuminationOf(lay: Layout, k: Float64Array, receiverSide: boolean): Float64Array {
  const prop = new Propagator(lay);
  prop.setCoefficient(k);
  const out = new Float64Array(lay.nx);
  const source = new Float64Array(lay.nx);
  const receivers = new Float64Array(lay.nx);
  const byReceiver = new Map<string, Float64Array>();
  const waveletIds = new Map<string, number>();
  const energy = (wavelet: Float64Array, at: PointWeights, into: Float64Array) => {
    const scale = 1 / (lay.dt * lay.dt);
    prop.reset();
    prop.load(wavelet, at, []);
    for (let n = 0; n < lay.nt - 1; n++) {
      prop.run(n, n + 1, prop.w, 0);
      const w = prop.w;
      for (let i = 0; i < lay.nx; i++) {
        const a = k[lay.first + i] * w[lay.first + i] * scale;
        into[i] += a * a * lay.dt;
      }
    }
  };
  for (let s = 0; s < lay.sources.length; s++) {
    source.fill(0);
    energy(lay.wavelets[s], lay.sources[s], source);
    if (!receiverSide) {
      for (let i = 0; i < lay.nx; i++) out[i] += source[i];
      continue;
    }
    receivers.fill(0);
    // Shots often share receivers and wavelets: each (receiver, wavelet) pair runs once.
    const text = lay.wavelets[s].join(",");
    const wid = waveletIds.get(text) ?? waveletIds.size;
    waveletIds.set(text, wid);
    for (const r of lay.receivers[s]) {
      const key = `${r.index.join(",")}:${r.weight.join(",")}:${wid}`;
      let e = byReceiver.get(key);
      if (e === undefined) {
        e = new Float64Array(lay.nx);
        energy(lay.wavelets[s], r, e);
        byReceiver.set(key, e);
      }
      for (let i = 0; i < lay.nx; i++) receivers[i] += e[i];
    }
    for (let i = 0; i < lay.nx; i++) out[i] += source[i] * receivers[i];
  }
  return out;
}
