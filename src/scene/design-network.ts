/**
 * The design problem of a `sensor-design` scene of kind "network": station
 * positions maximizing the network's detection likelihood over candidate
 * sources (src/design/network.ts), compared at the end with seeded random
 * layouts on the same area.
 */
import { field } from "../core/arrays.js";
import { InputError } from "../core/errors.js";
import { Random } from "../core/random.js";
import { DetectionNetwork } from "../design/network.js";
import { boxOf, type SensorDesignProblem } from "./design-problem.js";
import type { OutputArray } from "./inversion-problem.js";
import type { NetworkDesign } from "./design-schema.js";

/** Candidate epicentres: the scene's points, then each cluster's seeded draws (uniform on its disc). */
export function candidateSources(spec: NetworkDesign["sources"]): [number, number][] {
  const rng = new Random(spec.seed);
  const out: [number, number][] = spec.points.map((p) => [p[0], p[1]]);
  for (const c of spec.clusters) {
    for (let i = 0; i < c.count; i++) {
      const r = c.radius * Math.sqrt(rng.uniform()), t = 2 * Math.PI * rng.uniform();
      out.push([c.center[0] + r * Math.cos(t), c.center[1] + r * Math.sin(t)]);
    }
  }
  if (out.length === 0) throw new InputError("design.sources", "expected candidate sources: points or clusters");
  return out;
}

/** `count` layouts of `stations` stations uniform on the area, from `seed`. */
export function randomLayouts(area: NetworkDesign["area"], stations: number, count: number, seed: number): Float64Array[] {
  const rng = new Random(seed);
  const [x0, x1] = area.x, [y0, y1] = area.y;
  return Array.from({ length: count }, () => Float64Array.from({ length: 2 * stations }, (_, i) => (i % 2 === 0 ? x0 + (x1 - x0) * rng.uniform() : y0 + (y1 - y0) * rng.uniform())));
}

/** The problem of the scene, everything checked. */
export function networkDesignProblem(spec: NetworkDesign): SensorDesignProblem {
  const sources = candidateSources(spec.sources);
  const network = new DetectionNetwork(spec.model, { positions: sources });
  const n = spec.stations.length;
  const { lower, upper } = boxOf([spec.area.x, spec.area.y], n);
  spec.stations.forEach((s, j) => {
    for (let c = 0; c < 2; c++) {
      if (!(s[c] >= lower[2 * j + c] && s[c] <= upper[2 * j + c])) throw new InputError(`design.stations[${j}][${c}]`, `${s[c]} m is outside the survey area's ${c === 0 ? "x" : "y"} range [${lower[2 * j + c]}, ${upper[2 * j + c]}] m`);
    }
  });
  const pointAxes = (what: string) => [{ name: what }, { name: "x, y", units: "m" }];
  return {
    criterion: "detection likelihood",
    objective: (p, g) => {
      const v = network.likelihood(p, g);
      for (let i = 0; i < g.length; i++) g[i] = -g[i];
      return -v;
    },
    sensors: n,
    dims: 2,
    start: Float64Array.from(spec.stations.flat()),
    lower,
    upper,
    inputs: [
      { name: "candidate_sources", data: field(Float64Array.from(sources.flat()), [sources.length, 2]), meta: { units: "m", axes: pointAxes("source"), description: "candidate epicentres, equally weighted", role: "design-targets" } },
    ],
    finish(design) {
      const value = network.likelihood(design);
      const startValue = network.likelihood(Float64Array.from(spec.stations.flat()));
      const detection = network.sourceDetection(design);
      const arrays = [{ name: "source_detection", data: field(detection, [sources.length]), meta: { units: "probability", axes: [{ name: "source" }], description: "probability that the final network detects each candidate source", role: "design-target-value" } }] as OutputArray[];
      const result: Record<string, number> = { likelihood: value, startLikelihood: startValue };
      let report = `detection likelihood ${startValue.toFixed(4)} (start) -> ${value.toFixed(4)} (designed), over ${sources.length} candidate sources\n`;
      if (spec.randomLayouts !== undefined) {
        const { count, seed } = spec.randomLayouts;
        const values = randomLayouts(spec.area, n, count, seed).map((p) => network.likelihood(p)).sort((a, b) => a - b);
        const beaten = values.filter((v) => v < value).length;
        Object.assign(result, { randomBest: values[count - 1], randomMedian: values[Math.floor(count / 2)], randomBeaten: beaten, randomCount: count });
        arrays.push({ name: "random_layout_likelihood", data: field(Float64Array.from(values), [count]), meta: { units: "probability", axes: [{ name: "layout" }], description: `detection likelihood of ${count} random layouts (seed ${seed}), sorted`, role: "design-random-values" } });
        report += `${count} random layouts (seed ${seed}): best ${values[count - 1].toFixed(4)}, median ${values[Math.floor(count / 2)].toFixed(4)}; the design beats ${beaten} of them\n`;
      }
      return { arrays, result, report };
    },
  };
}
