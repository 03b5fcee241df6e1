/**
 * What a scene will cost before it runs: the memory it will hold (simulator
 * state, gradient storage, outputs and history, each from the same formulas
 * the simulators check themselves against) and the time steps it will take.
 * Every runner checks the estimate against the memory limit before it
 * allocates or writes anything; `gradscape run --dry-run` prints it.
 */
import { checkMemory, memoryLimit, type MemoryPart } from "../core/memory.js";
import { heatMemory } from "../heat/config.js";
import { GHOST, waveMemory } from "../wave/config.js";
import { stateValues2D, wave2DMemory, workingGrid2D } from "../wave/grid2d.js";
import { bytesPerValue } from "../wave/precision.js";
import type { Scene } from "./schema.js";
import type { Points2D } from "./wave2d-schema.js";
import type { z } from "zod";

/** How many points a scene's point list holds. */
const pointCount = (p: z.infer<typeof Points2D>) => (Array.isArray(p) ? p.length : p.count);

/** A scene's estimated cost. */
export interface SceneEstimate {
  /** What it holds at its peak, part by part. */
  memory: MemoryPart[];
  /** Simulator time steps of one forward run (all shots), or 0 for scenes without a time-stepping simulator. */
  stepsPerForward: number;
  /** How many forward runs (or model evaluations) it takes, in words: "1", "about 2 per iteration over 120 iterations". */
  runs: string;
}

const f8 = 8;

/** Snapshots of predicted data an inversion keeps (the start and about 20 more). */
const SNAPSHOTS = 22;

/** Frames of a field kept every `every` of `nt` time samples (from sample 0). */
export const framesKept = (nt: number, every: number) => Math.floor((nt - 1) / every) + 1;

/** The interval of the final wavefield a wave inversion keeps for the viewer: about 250 frames. */
export const finalWavefieldEvery = (nt: number) => Math.max(1, Math.floor(nt / 250));

/** The estimate of a validated scene (its memory does not grow with the number of shot threads: they split the shots). */
export function estimateScene(scene: Scene): SceneEstimate {
  if (scene.kind === "joint-inversion") {
    // Both experiments held at once, each estimated as its own scene (their separate budgets are upper bounds).
    const parts = [estimateScene(scene.wave), estimateScene(scene.heat)];
    return {
      memory: [...parts[0].memory.map((p) => ({ ...p, what: `wave: ${p.what}` })), ...parts[1].memory.map((p) => ({ ...p, what: `heat: ${p.what}` }))],
      stepsPerForward: parts[0].stepsPerForward + parts[1].stepsPerForward,
      runs: `one wave and one heat forward-adjoint pair per objective evaluation, at least one evaluation per iteration over ${scene.optimizer.iterations} iterations`,
    };
  }
  if (scene.kind === "wave-forward" || scene.kind === "wave-inversion") {
    const { nx } = scene.grid, { nt } = scene.time, b = scene.boundaries;
    const size = nx + (b.left === "absorbing" ? b.pmlWidth : 0) + (b.right === "absorbing" ? b.pmlWidth : 0) + 2 * GHOST;
    const shots = scene.shots.length;
    const traces = scene.shots.reduce((n, s) => n + (Array.isArray(s.receivers) ? s.receivers.length : s.receivers.count), 0);
    const data = f8 * traces * nt;
    if (scene.kind === "wave-forward") {
      const frames = framesKept(nt, scene.output.wavefieldEvery);
      return {
        memory: [...waveMemory(size, nt, shots, traces, null, scene.precision), { what: "wavefield output", bytes: 2 * f8 * shots * frames * nx }],
        stepsPerForward: shots * nt,
        runs: "1",
      };
    }
    const iterations = scene.bands.length * scene.optimizer.iterations;
    // Two simulators hold stored wavefields at once: the full band's and the current band's (with
    // --workers, the current band's pool, whose threads split the shots, and the final full-band one).
    const simulators = 2;
    const storage = waveMemory(size, nt, shots, traces, { mode: "full" }, scene.precision);
    return {
      memory: [
        ...storage.map((p) => ({ what: `${p.what} (${simulators} simulators)`, bytes: simulators * p.bytes })),
        { what: "observed, predicted and residual data", bytes: 4 * data },
        { what: "predicted-data snapshots", bytes: SNAPSHOTS * data },
        { what: "model and gradient history", bytes: 4 * f8 * (iterations + 1) * nx },
        { what: "final wavefield output", bytes: 2 * f8 * shots * framesKept(nt, finalWavefieldEvery(nt)) * nx },
      ],
      stepsPerForward: shots * nt,
      runs: `about 2 (forward and adjoint) per objective evaluation, at least one evaluation per iteration over ${iterations} iterations (${scene.bands.length} bands x ${scene.optimizer.iterations})`,
    };
  }
  if (scene.kind === "wave2d-inversion") {
    const { nx, nz } = scene.grid, { nt } = scene.time;
    const layers = workingGrid2D(nx, nz, scene.boundaries.pmlWidth, scene.boundaries.top), cells = layers.sx * layers.sz;
    const shots = Array.isArray(scene.shots) ? scene.shots.length : pointCount(scene.shots.sources);
    const receivers = Array.isArray(scene.shots) ? pointCount(scene.shots[0].receivers) : pointCount(scene.shots.receivers);
    const data = f8 * shots * receivers * nt, v = bytesPerValue(scene.precision);
    // Each of two simulators (the full band's and a band's) holds W^n of every step and shot, or
    // what its budget allows (auto), or its checkpoints.
    const full = v * shots * Math.max(nt - 1, 1) * cells, s = scene.storage;
    const storage = s.mode === "full" ? full : s.mode === "checkpoint" ? v * s.snapshots * stateValues2D(layers) : Math.min(full, s.memory ?? memoryLimit() / 4);
    const iterations = scene.bands.length * scene.optimizer.iterations;
    return {
      memory: [
        ...wave2DMemory(cells, nt, shots * receivers, scene.precision).map((p) => ({ what: `${p.what} (2 simulators)`, bytes: 2 * p.bytes })),
        { what: "stored wavefields or checkpoints (2 simulators)", bytes: 2 * storage },
        { what: "observed, predicted and residual data", bytes: 4 * data },
        { what: "predicted-data snapshots", bytes: SNAPSHOTS * data },
        { what: "model and gradient history", bytes: 4 * f8 * (iterations + 1) * nx * nz },
        { what: "final wavefield output (one shot)", bytes: 2 * f8 * framesKept(nt, finalWavefieldEvery(nt)) * nx * nz },
      ],
      stepsPerForward: shots * nt,
      runs: `about 2 (forward and adjoint) per objective evaluation, at least one evaluation per iteration over ${iterations} iterations (${scene.bands.length} bands x ${scene.optimizer.iterations})`,
    };
  }
  if (scene.kind === "heat-inversion") {
    const g = scene.grid, nx = g.nx, ny = g.ny ?? 1, { nt } = scene.time, size = nx * ny;
    const iterations = scene.optimizer.iterations * (1 + (scene.lCurve?.weights.length ?? 0));
    const data = f8 * scene.sensors.length * nt;
    return {
      memory: [
        ...heatMemory(nx, ny, nt, scene.sensors.length, { mode: "full" }),
        { what: "observed, predicted and residual data", bytes: 4 * data },
        { what: "predicted-data snapshots", bytes: SNAPSHOTS * data },
        { what: "model and gradient history", bytes: 4 * f8 * (iterations + 1) * Math.max(size, nt) },
        { what: "temperature output", bytes: 2 * f8 * framesKept(nt, scene.output.temperatureEvery) * size },
      ],
      stepsPerForward: nt,
      runs: `about 2 (forward and adjoint) per objective evaluation, at least one evaluation per iteration over ${iterations} iterations`,
    };
  }
  if (scene.kind === "molecular-basin-hopping") {
    const coordinates = 3 * scene.atoms;
    return {
      memory: [
        // Positions, forces, the L-BFGS pairs (10 of 2 vectors) and scratch of the local minimizer.
        { what: "minimizer state", bytes: f8 * coordinates * 30 },
        { what: "pair list", bytes: f8 * scene.atoms * Math.min(scene.atoms, 256) },
        { what: "accepted minima (at most one per step)", bytes: f8 * (coordinates + 4) * scene.search.steps },
      ],
      stepsPerForward: 0,
      runs: `at most ${scene.search.steps} local minimizations${scene.search.evaluations === undefined ? "" : `, at most ${scene.search.evaluations} gradient evaluations`}`,
    };
  }
  if (scene.kind === "sensor-design") {
    const d = scene.design, iterations = scene.optimizer.iterations;
    if (d.kind === "network") {
      const sources = d.sources.points.length + d.sources.clusters.reduce((a, c) => a + c.count, 0);
      return {
        memory: [{ what: "candidate sources and layouts", bytes: f8 * (2 * sources + 2 * d.stations.length * (iterations + 12)) }],
        stepsPerForward: 0,
        runs: `at most ${iterations} iterations of stations x sources = ${d.stations.length * sources} amplitudes per evaluation`,
      };
    }
    const { nx } = d.grid, { nt } = d.time;
    return {
      memory: [
        ...heatMemory(nx, 1, nt, nx, { mode: "full" }),
        { what: "sensitivities at every cell centre", bytes: f8 * nx * nt * d.zones },
        { what: "Jacobian rows of the sensors", bytes: 2 * f8 * d.sensors.length * nt * d.zones },
      ],
      stepsPerForward: nt,
      runs: `${d.zones} tangent runs per linearization; ${iterations} design iterations; then ${2 * d.noise.draws} inversions of ${d.inversion.iterations} iterations`,
    };
  }
  if (scene.kind === "conformer-search") {
    const n = scene.molecule.alkane, s = scene.search;
    const minimizations = s.method === "systematic" ? 3 ** Math.min(n - 3, 7) : s.starts * (s.steps + 1);
    return {
      memory: [
        // Positions, gradient and the L-BFGS pairs (40 of 2 vectors) of one relaxation; the nonbonded pair list.
        { what: "minimizer state", bytes: f8 * 3 * n * 90 },
        { what: "pair list", bytes: 2 * f8 * n * n },
        { what: "conformers (at most one per local minimization)", bytes: f8 * (4 * n + 8) * minimizations },
      ],
      stepsPerForward: 0,
      runs: `${minimizations} local minimizations${s.method === "basin-hopping" && s.evaluations !== undefined ? `, at most ${s.evaluations} gradient evaluations` : ""}`,
    };
  }
  const points = scene.reference.separations.count * (scene.reference.noise.forceSigma === undefined ? 1 : 2);
  return {
    memory: [{ what: "reference, fits and Jacobians", bytes: f8 * points * (4 + 4 * scene.fits.length) }],
    stepsPerForward: 0,
    runs: `at most ${scene.iterations} iterations per fit, ${scene.fits.length} fits`,
  };
}

/** Refuses a scene whose estimate exceeds the memory limit, naming what to change. */
export function checkSceneMemory(scene: Scene): void {
  const advice: Record<Scene["kind"], string> = {
    "wave-forward": "use fewer cells (grid.nx), time samples (time.nt), receivers or kept wavefields (output.wavefieldEvery larger)",
    "wave-inversion": "use fewer cells (grid.nx), time samples (time.nt), shots or receivers",
    "wave2d-inversion": "use fewer cells (grid.nx, grid.nz), time samples (time.nt), shots or receivers, or a smaller storage budget",
    "heat-inversion": "use fewer cells (grid.nx, grid.ny) or time samples (time.nt)",
    "molecular-basin-hopping": "use fewer atoms or search.steps",
    "molecular-calibration": "use fewer reference.separations.count",
    "joint-inversion": "use fewer cells or time samples in wave and heat",
    "sensor-design": "use fewer cells (design.grid.nx), time samples (design.time.nt), zones, sensors or candidate sources",
    "conformer-search": "use a shorter chain (molecule.alkane) or fewer search.starts or search.steps",
  };
  checkMemory("scene", estimateScene(scene).memory, `${advice[scene.kind]}, or raise the limit (--max-memory)`);
}
