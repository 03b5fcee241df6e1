/**
 * Reparametrizations: the optimizer works on x, the simulator on the
 * physical model m = m(x), and the engine applies the chain rule
 * g_x = g_m * dm/dx (e.g. g_logc = c * g_c).
 */

/** A pointwise map between optimization variables x and model values m. */
export interface Parametrization {
  readonly name: string;
  /** m = m(x). */
  toModel(x: Float64Array, m: Float64Array): void;
  /** x = x(m), the inverse map (for starting models). */
  toParameter(m: Float64Array, x: Float64Array): void;
  /** gx = gm * dm/dx evaluated at (x, m). */
  chain(x: Float64Array, m: Float64Array, gm: Float64Array, gx: Float64Array): void;
}

/** x = m. */
export const identity: Parametrization = {
  name: "identity",
  toModel: (x, m) => m.set(x),
  toParameter: (m, x) => x.set(m),
  chain: (_x, _m, gm, gx) => gx.set(gm),
};

/** x = log m (keeps m positive): dm/dx = m. */
export const logarithm: Parametrization = {
  name: "log",
  toModel(x, m) {
    for (let i = 0; i < x.length; i++) m[i] = Math.exp(x[i]);
  },
  toParameter(m, x) {
    for (let i = 0; i < m.length; i++) x[i] = Math.log(m[i]);
  },
  chain(_x, m, gm, gx) {
    for (let i = 0; i < m.length; i++) gx[i] = gm[i] * m[i];
  },
};

/** x = 1 / m (slowness for a velocity m): dm/dx = -m^2. */
export const slowness: Parametrization = {
  name: "slowness",
  toModel(x, m) {
    for (let i = 0; i < x.length; i++) m[i] = 1 / x[i];
  },
  toParameter(m, x) {
    for (let i = 0; i < m.length; i++) x[i] = 1 / m[i];
  },
  chain(_x, m, gm, gx) {
    for (let i = 0; i < m.length; i++) gx[i] = -gm[i] * m[i] * m[i];
  },
};

/** x = 1 / m^2 (squared slowness): dm/dx = -m^3 / 2. */
export const squaredSlowness: Parametrization = {
  name: "squared-slowness",
  toModel(x, m) {
    for (let i = 0; i < x.length; i++) m[i] = 1 / Math.sqrt(x[i]);
  },
  toParameter(m, x) {
    for (let i = 0; i < m.length; i++) x[i] = 1 / (m[i] * m[i]);
  },
  chain(_x, m, gm, gx) {
    for (let i = 0; i < m.length; i++) gx[i] = -0.5 * gm[i] * m[i] * m[i] * m[i];
  },
};
