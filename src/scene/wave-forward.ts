/** Runs a `wave-forward` scene: builds the simulator, models every shot, writes the run folder. */
import { withSceneFields } from "./scene-fields.js";
import { checkSceneMemory } from "./estimate.js";
import { field } from "../core/arrays.js";
import { InputError } from "../core/errors.js";
import { RunWriter } from "../run/folder.js";
import { checkVelocityRange, type WaveConfig } from "../wave/config.js";
import { WaveSimulator } from "../wave/simulator.js";
import { ricker } from "../wave/wavelet.js";
import { silentProgress, type Progress } from "./progress.js";
import type { WaveForwardScene } from "./schema.js";
import { layeredVelocity } from "./velocity.js";

/** What a finished forward run reports. */
export interface ForwardRunSummary {
  dir: string;
  arrays: string[];
  seconds: number;
}

/** The parts every wave scene shares. */
export type WaveSceneCommon = Pick<WaveForwardScene, "grid" | "time" | "order" | "precision" | "boundaries" | "wavelet" | "shots">;

export function receiverPositions(r: WaveForwardScene["shots"][number]["receivers"]): number[] {
  if (Array.isArray(r)) return r;
  if (r.count === 1) return [r.from];
  return Array.from({ length: r.count }, (_, k) => r.from + ((r.to - r.from) * k) / (r.count - 1));
}

/**
 * Builds the simulator of a scene, checking positions against the grid with
 * the scene's own paths in the errors.
 */
export function waveSimulatorOf(scene: WaveForwardScene, warn: (m: string) => void): { sim: WaveSimulator; velocity: Float64Array } {
  const velocity = layeredVelocity(scene.model.velocity, scene.grid.nx, scene.grid.dx, scene.grid.origin);
  let vmin = Infinity, vmax = 0;
  for (const v of velocity) (vmin = Math.min(vmin, v)), (vmax = Math.max(vmax, v));
  const sim = withSceneFields(() => new WaveSimulator(waveConfigOf(scene, vmax, warn)));
  // Stability named with the scene's own field (the simulator would say "dt").
  checkVelocityRange(sim.layout, vmin, vmax, "time.dt");
  return { sim, velocity };
}

/** The simulator configuration of a scene's grid, time axis, ends and shots (positions checked with scene paths). */
export function waveConfigOf(scene: WaveSceneCommon, pmlVelocity: number, warn: (m: string) => void): WaveConfig {
  const { nx, dx, origin } = scene.grid;
  const { dt, nt } = scene.time;
  const xmax = origin + (nx - 1) * dx;
  const inside = (x: number, path: string) => {
    if (x < origin || x > xmax) throw new InputError(path, `position ${x} m is outside the grid [${origin}, ${xmax}] m`);
  };
  const wavelet = ricker(scene.wavelet.frequency, nt, dt, scene.wavelet.delay);
  const shots = scene.shots.map((shot, s) => {
    inside(shot.source, `shots[${s}].source`);
    const receivers = receiverPositions(shot.receivers);
    receivers.forEach((x, k) => inside(x, Array.isArray(shot.receivers) ? `shots[${s}].receivers[${k}]` : `shots[${s}].receivers`));
    if (s > 0 && receivers.length !== receiverPositions(scene.shots[0].receivers).length) {
      throw new InputError(`shots[${s}].receivers`, "every shot needs the same number of receivers as shot 0");
    }
    return { source: shot.source, wavelet, receivers };
  });
  return {
    nx, dx, origin, dt, nt,
    order: scene.order,
    precision: scene.precision,
    left: scene.boundaries.left,
    right: scene.boundaries.right,
    pml: { width: scene.boundaries.pmlWidth, velocity: pmlVelocity },
    shots,
    warn,
  };
}

/**
 * Runs the scene into `dir`. Everything is validated before the folder is
 * created; arrays are written atomically and the manifest last.
 */
export function runWaveForward(scene: WaveForwardScene, dir: string, progress: Progress = silentProgress, warn: (m: string) => void = () => {}): ForwardRunSummary {
  checkSceneMemory(scene);
  const t0 = performance.now();
  const { sim, velocity } = waveSimulatorOf(scene, warn);
  const { nx, dx, origin } = scene.grid;
  const { dt, nt } = scene.time;
  const every = scene.output.wavefieldEvery;
  const nshots = scene.shots.length;
  const nsnap = Math.floor((nt - 1) / every) + 1;
  const wavefield = new Float64Array(nshots * nsnap * nx);
  progress.start(nshots * nt, "forward");
  const data = sim.forward(field(velocity, [nx]), {
    every,
    onStep: (v) => {
      wavefield.set(v.field, (v.shot * nsnap + v.timeIndex / every) * nx);
      progress.update(v.shot * nt + v.timeIndex + 1);
    },
  });
  progress.update(nshots * nt);
  progress.stop();

  const writer = new RunWriter(dir, { replace: true });
  const xAxis = { name: "x", units: "m", start: origin, step: dx };
  writer.array("velocity", field(velocity, [nx]), { units: "m/s", axes: [xAxis], description: "true velocity model", role: "model" });
  writer.array("data", data, {
    units: "pressure (source units)",
    axes: [{ name: "shot" }, { name: "receiver" }, { name: "t", units: "s", start: 0, step: dt }],
    description: "shot gathers u(receiver, t)",
    role: "data",
  });
  writer.array("wavefield", field(wavefield, [nshots, nsnap, nx]), {
    units: "pressure (source units)",
    axes: [{ name: "shot" }, { name: "t", units: "s", start: 0, step: dt * every }, xAxis],
    description: `forward wavefield every ${every} steps`,
    role: "field",
  });
  const positions = new Float64Array(nshots * sim.layout.nreceivers);
  scene.shots.forEach((shot, s) => positions.set(receiverPositions(shot.receivers), s * sim.layout.nreceivers));
  writer.array("receivers", field(positions, [nshots, sim.layout.nreceivers]), { units: "m", axes: [{ name: "shot" }, { name: "receiver" }], description: "receiver positions", role: "geometry" });
  writer.array("sources", field(Float64Array.from(scene.shots, (s) => s.source), [nshots]), { units: "m", axes: [{ name: "shot" }], description: "source positions", role: "geometry" });
  const manifest = writer.finish(scene.kind, scene, { status: "finished" });
  return { dir, arrays: manifest.arrays.map((a) => a.name), seconds: (performance.now() - t0) / 1000 };
}
