/**
 * Illumination of a 2D wave problem (WaveSimulator2D.illumination documents the quantities): the
 * time-integrated squared second time derivative of forward wavefields, per model cell, as
 * illumination.ts computes it in 1D.
 */
import type { PointWeights } from "./config.js";
import type { Layout2D } from "./grid2d.js";
import { Propagator2D } from "./propagator2d.js";

/**
 * Source-side illumination [nz, nx] summed over shots, or with `receiverSide` each shot's
 * multiplied cell by cell by its receivers' (the shot's wavelet fired from each receiver, summed
 * over them; one forward run per distinct receiver and wavelet); `c` the velocity [nz, nx] (m/s).
 *
 * Per step, d2u/dt2 = (u^{n+1} - 2 u^n + u^{n-1}) / dt^2 = m W^n / dt^2 = c^2 W^n exactly as the
 * scheme steps it (grid2d.ts), so a cell gains (c^2 W^n)^2 dt for n = 0 .. nt-2.
 */
export function illumination2DOf(lay: Layout2D, c: Float64Array, receiverSide: boolean): Float64Array {
  const { nx, nz, nt, dt } = lay, cells = nx * nz;
  // Every firing (a point and a wavelet) as a shot of one layout, so one arena runs them all:
  // each shot's source, then (receiverSide) every distinct receiver and wavelet pair once.
  const firings: { at: PointWeights; wavelet: Float64Array }[] = [];
  const byReceiver = new Map<string, number>();
  const waveletIds = new Map<string, number>();
  const shotFirings = lay.sources.map((at, s) => {
    const wavelet = lay.wavelets[s];
    firings.push({ at, wavelet });
    const source = firings.length - 1;
    if (!receiverSide) return { source, receivers: [] as number[] };
    const text = wavelet.join(",");
    const wid = waveletIds.get(text) ?? waveletIds.size;
    waveletIds.set(text, wid);
    const receivers = lay.receivers[s].map((r) => {
      const key = `${r.index.join(",")}:${r.weight.join(",")}:${wid}`;
      let j = byReceiver.get(key);
      if (j === undefined) {
        firings.push({ at: r, wavelet });
        byReceiver.set(key, (j = firings.length - 1));
      }
      return j;
    });
    return { source, receivers };
  });
  const prop = new Propagator2D({
    ...lay, sources: firings.map((f) => f.at), wavelets: firings.map((f) => f.wavelet), receivers: firings.map(() => lay.receivers[0]),
  }, false, false, 1);
  prop.setVelocity(c);
  const c2 = c.map((v) => v * v);
  const energies = firings.map((_, j) => {
    const e = new Float64Array(cells);
    prop.loadShot(j);
    for (let n = 0; n < nt - 1; n++) {
      prop.segmentSteps(n, n + 1);
      const w = prop.stepW;
      for (let iz = 0, k = 0; iz < nz; iz++) {
        const row = (lay.firstZ + iz) * lay.sx + lay.firstX;
        for (let ix = 0; ix < nx; ix++, k++) {
          const a = c2[k] * w[row + ix];
          e[k] += a * a * dt;
        }
      }
    }
    return e;
  });
  const out = new Float64Array(cells);
  for (const { source, receivers } of shotFirings) {
    const S = energies[source];
    if (!receiverSide) {
      for (let k = 0; k < cells; k++) out[k] += S[k];
      continue;
    }
    const R = new Float64Array(cells);
    for (const j of receivers) for (let k = 0; k < cells; k++) R[k] += energies[j][k];
    for (let k = 0; k < cells; k++) out[k] += S[k] * R[k];
  }
  return out;
}
