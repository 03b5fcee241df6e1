/**
 * Detection of seismic sources by a network of stations on a survey area,
 * as a smooth function of the station positions, for designing the network
 * by gradient ascent.
 *
 * Model (SI: m; amplitudes in the units of a0):
 *   hypocentral distance  R_jk = sqrt(|p_j - s_k|^2 + h^2)   (station j at p_j, source k at epicentre s_k, depth h)
 *   amplitude             a(R) = a0 exp(-alpha R) / R          (spherical spreading and anelastic attenuation)
 *   station detects       P_jk = logistic(z_jk),  z_jk = beta (ln a(R_jk) - ln threshold)
 *   network detects       Q_k  = 1 - prod_j (1 - P_jk)         (at least one station detects)
 *   design criterion      L(p) = sum_k w_k Q_k                   (w_k >= 0, summing to 1: the candidate sources' weights)
 *
 * Gradient, one line per factor:
 *   dL/dp_j = sum_k w_k prod_{i != j} (1 - P_ik) * P_jk (1 - P_jk) * beta * (-1/R_jk - alpha) * (p_j - s_k) / R_jk
 * The product over the other stations is exp(sum_i ln(1 - P_ik) - ln(1 - P_jk)) with
 * ln(1 - P) = -softplus(z), so it never divides by a 1 - P that rounded to 0.
 *
 * Assumptions: stations and sources on a plane (2D positions), every source
 * at the same depth h > 0 (which keeps R > 0 and L smooth everywhere),
 * stations detect independently.
 */
import { InputError } from "../core/errors.js";
import { finiteNumber, positiveNumber } from "../core/validate.js";

/** The physics of detection: how amplitude decays and how a station responds to it. */
export interface DetectionModel {
  /** Source amplitude scale a0 (amplitude times m: a(R) = a0 exp(-alpha R) / R). */
  amplitude: number;
  /** Anelastic attenuation alpha (1/m); 0 for spreading alone. */
  attenuation: number;
  /** Source depth h (m), > 0. */
  depth: number;
  /** Amplitude a station detects with probability 1/2. */
  threshold: number;
  /** Steepness beta of the logistic per unit of ln amplitude (> 0). */
  steepness: number;
}

/** Candidate sources: epicentres [x, y] (m) and weights (default equal). */
export interface CandidateSources {
  positions: ReadonlyArray<readonly [number, number]>;
  weights?: ArrayLike<number>;
}

/** ln(1 + e^z) without overflow. */
const softplus = (z: number) => Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));

/** The logistic 1 / (1 + e^-z) without overflow. */
const logistic = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

/**
 * A network's detection likelihood L(p) over candidate sources; see the module
 * documentation for the formulas. Stations are a flat vector p = [x0, y0, x1, y1, ...] (m).
 */
export class DetectionNetwork {
  readonly model: Readonly<DetectionModel>;
  /** Epicentres, [x0, y0, x1, y1, ...] (m). */
  readonly sources: Float64Array;
  /** Weights, summing to 1. */
  readonly weights: Float64Array;
  private scratch = new Float64Array(0);

  /** @throws {InputError} naming the field of `model` or `sources` that is out of its domain. */
  constructor(model: DetectionModel, sources: CandidateSources) {
    this.model = {
      amplitude: positiveNumber(model.amplitude, "model.amplitude"),
      attenuation: finiteNumber(model.attenuation, "model.attenuation"),
      depth: positiveNumber(model.depth, "model.depth"),
      threshold: positiveNumber(model.threshold, "model.threshold"),
      steepness: positiveNumber(model.steepness, "model.steepness"),
    };
    if (this.model.attenuation < 0) throw new InputError("model.attenuation", `expected alpha >= 0 (1/m), got ${model.attenuation}`);
    const k = sources.positions.length;
    if (k === 0) throw new InputError("sources.positions", "expected at least one candidate source");
    this.sources = new Float64Array(2 * k);
    sources.positions.forEach((s, i) => {
      this.sources[2 * i] = finiteNumber(s[0], `sources.positions[${i}][0]`);
      this.sources[2 * i + 1] = finiteNumber(s[1], `sources.positions[${i}][1]`);
    });
    const w = sources.weights === undefined ? new Float64Array(k).fill(1) : Float64Array.from(sources.weights);
    if (w.length !== k) throw new InputError("sources.weights", `expected ${k} weights (one per source), got ${w.length}`);
    const bad = w.findIndex((v) => !(v >= 0) || !Number.isFinite(v));
    if (bad >= 0) throw new InputError(`sources.weights[${bad}]`, `expected a non-negative finite weight, got ${w[bad]}`);
    const total = w.reduce((a, b) => a + b, 0);
    if (!(total > 0)) throw new InputError("sources.weights", "expected at least one positive weight");
    this.weights = w.map((v) => v / total);
  }

  /** Candidate sources. */
  get sourceCount(): number {
    return this.weights.length;
  }

  /** Logistic argument z and d z / d R of one station-source distance R (m). */
  private response(R: number): { z: number; dz: number } {
    const { amplitude, attenuation, threshold, steepness } = this.model;
    const lnA = Math.log(amplitude / R) - attenuation * R;
    return { z: steepness * (lnA - Math.log(threshold)), dz: steepness * (-1 / R - attenuation) };
  }

  /** R_jk (m) from a station at (x, y) to source k. */
  private hypocentral(x: number, y: number, k: number): number {
    const dx = x - this.sources[2 * k], dy = y - this.sources[2 * k + 1];
    return Math.sqrt(dx * dx + dy * dy + this.model.depth ** 2);
  }

  /** Q_k for every source: the probability that the network at `stations` detects it. */
  sourceDetection(stations: Float64Array): Float64Array {
    const n = this.checkStations(stations);
    return Float64Array.from({ length: this.sourceCount }, (_, k) => {
      let logMiss = 0;
      for (let j = 0; j < n; j++) logMiss -= softplus(this.response(this.hypocentral(stations[2 * j], stations[2 * j + 1], k)).z);
      return -Math.expm1(logMiss);
    });
  }

  private checkStations(stations: Float64Array): number {
    if (stations.length === 0 || stations.length % 2 !== 0) throw new InputError("stations", `expected [x0, y0, x1, y1, ...] (an even, non-zero count), got ${stations.length} values`);
    for (let i = 0; i < stations.length; i++) if (!Number.isFinite(stations[i])) throw new InputError(`stations[${i}]`, `expected a finite coordinate (m), got ${stations[i]}`);
    return stations.length / 2;
  }

  /**
   * L(p), and dL/dp written into `gradient` when given (same length as p).
   * Cost: O(stations x sources).
   */
  likelihood(stations: Float64Array, gradient?: Float64Array): number {
    const n = this.checkStations(stations);
    if (gradient !== undefined && gradient.length !== stations.length) throw new InputError("gradient", `expected ${stations.length} values, got ${gradient.length}`);
    gradient?.fill(0);
    if (this.scratch.length < 2 * n) this.scratch = new Float64Array(2 * n);
    const z = this.scratch.subarray(0, n), dz = this.scratch.subarray(n, 2 * n);
    let value = 0;
    for (let k = 0; k < this.sourceCount; k++) {
      const sx = this.sources[2 * k], sy = this.sources[2 * k + 1], w = this.weights[k];
      let logMiss = 0;
      for (let j = 0; j < n; j++) {
        const R = this.hypocentral(stations[2 * j], stations[2 * j + 1], k);
        const r = this.response(R);
        z[j] = r.z;
        dz[j] = r.dz / R; // d z / d p_j = dz/dR (p_j - s_k) / R: the 1/R folded in here
        logMiss -= softplus(r.z);
      }
      value += w * -Math.expm1(logMiss);
      if (gradient === undefined) continue;
      for (let j = 0; j < n; j++) {
        const p = logistic(z[j]);
        // prod_{i != j} (1 - P_ik) * dP_jk/dz, with dP/dz = P (1 - P).
        const coef = w * Math.exp(logMiss + softplus(z[j])) * p * (1 - p) * dz[j];
        gradient[2 * j] += coef * (stations[2 * j] - sx);
        gradient[2 * j + 1] += coef * (stations[2 * j + 1] - sy);
      }
    }
    return value;
  }
}
