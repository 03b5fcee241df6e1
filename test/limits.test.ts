/**
 * Sizes have an upper bound: simulators and scene runners estimate the memory
 * they will hold and refuse, before allocating, what exceeds the limit —
 * with the estimate, the limit and what to change.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, test } from "vitest";
import { field } from "../src/core/arrays.js";
import { InputError } from "../src/core/errors.js";
import { formatBytes, memoryLimit, parseBytes, setMemoryLimit, totalBytes } from "../src/core/memory.js";
import { HeatSimulator } from "../src/heat/simulator.js";
import { estimateScene } from "../src/scene/estimate.js";
import { loadScene, parseScene } from "../src/scene/load.js";
import { runCalibration } from "../src/scene/molecular.js";
import { ricker } from "../src/wave/wavelet.js";
import { WaveSimulator } from "../src/wave/simulator.js";
import { bundle } from "./helpers/bundle.js";

const initialLimit = memoryLimit();
afterEach(() => setMemoryLimit(initialLimit));

const wave = (nx: number, nt = 200) => ({ nx, dx: 5, dt: 5e-4, nt, pml: { width: 10, velocity: 2000 }, shots: [{ source: 100, wavelet: ricker(15, nt, 5e-4), receivers: [50, 150] }] });

describe("the memory limit", () => {
  test("a simulator too large for the limit is refused before it allocates, with the estimate, the limit and the fix", () => {
    // 5e8 cells: 24 arrays of 4 GB. Without the check, the constructor allocated gigabytes before failing.
    let error: unknown;
    try {
      new WaveSimulator(wave(5e8));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(/^nx: needs about 89 GiB \(89 GiB wave state, .*\), more than the memory limit of 4\.0 GiB; use fewer cells/);
    expect(() => new HeatSimulator({ nx: 100_000, dx: 1, ny: 100_000, dy: 1, dt: 1, nt: 10, capacity: 1, sensors: [[1, 1]] })).toThrow(/^nx, ny: needs about 9.6 TiB \(8.4 TiB sparse Cholesky factor, /); // 8 B x 1e10 cells x (16 + 6 log2(1e5 + 1)) values
  });

  test("gradient storage is checked when a gradient needs it, and checkpointing is the advice that works", () => {
    const config = wave(400, 2000);
    const c = field(new Float64Array(400).fill(2000), [400]);
    // Full storage of this problem: 2000 states of 428 cells = 6.8 MB. Below that limit the gradient
    // is refused, the forward run is not, and checkpointing with 50 snapshots fits.
    setMemoryLimit(4e6);
    const sim = new WaveSimulator(config);
    expect(() => sim.forward(c)).not.toThrow();
    expect(() => sim.linearize(c)).toThrow(/^storage: needs about .* stored wavefields for the gradient \(full storage\).*use storage: \{ mode: "checkpoint", snapshots: 50 \}/);
    const checkpointed = new WaveSimulator({ ...config, storage: { mode: "checkpoint", snapshots: 50 } });
    expect(() => checkpointed.vjp(c, field(new Float64Array(2 * 2000).fill(1), [1, 2, 2000]))).not.toThrow();
  });

  test("sizes are read and written in plain units", () => {
    expect(parseBytes("8GiB")).toBe(8 * 2 ** 30);
    expect(parseBytes("500 MB")).toBe(5e8);
    expect(parseBytes("2e9")).toBe(2e9);
    expect(parseBytes("lots")).toBeNull();
    expect(parseBytes("-1GB")).toBeNull();
    expect(formatBytes(3.9 * 2 ** 30)).toBe("3.9 GiB");
    expect(formatBytes(512)).toBe("512 B");
    expect(() => setMemoryLimit(Number.NaN)).toThrow(/^memory limit: expected a positive number of bytes/);
  });

  test("the estimate of stored wavefields is what a gradient allocates, and a scene's adds what it writes", () => {
    const scene = loadScene("scenes/continuation-fwi.json");
    if (scene.kind !== "wave-inversion") throw new Error("expected a wave inversion");
    // The flagship's simulator, linearized: the bytes its full storage really holds.
    const nt = scene.time.nt;
    const sim = new WaveSimulator({
      nx: 200, dx: 10, dt: scene.time.dt, nt, pml: { width: 20, velocity: 2800 },
      shots: scene.shots.map((s) => ({ source: s.source, wavelet: ricker(10, nt, scene.time.dt), receivers: Array.from({ length: 20 }, (_, k) => 50 + 100 * k) })),
    });
    sim.linearize(field(new Float64Array(200).fill(2000), [200]));
    const stores = (sim as unknown as { workspace: { stores: Float64Array[] } }).workspace.stores;
    const allocated = stores.reduce((n, s) => n + s.byteLength, 0);
    const e = estimateScene(scene);
    const storage = e.memory.find((p) => p.what.startsWith("stored wavefields"))!;
    // Two simulators hold storage at once (the full band's and the current band's).
    expect(storage.bytes).toBe(2 * allocated);
    expect(totalBytes(e.memory)).toBeGreaterThan(storage.bytes);
    expect(e.stepsPerForward).toBe(2 * 2000);
  });
});

describe("the command line's limits", () => {
  let cli = "";
  beforeAll(async () => {
    cli = (await bundle("limits")).cli;
  });
  const run = (...args: string[]) => spawnSync(process.execPath, [cli, "run", ...args], { encoding: "utf8", timeout: 60_000 });
  const scene = (edit: (s: Record<string, any>) => void, from = "scenes/layered-forward.json") => {
    const s = JSON.parse(readFileSync(from, "utf8"));
    edit(s);
    const file = join(mkdtempSync(join(tmpdir(), "limits-")), "scene.json");
    writeFileSync(file, JSON.stringify(s));
    return file;
  };

  test("huge grids, time axes and clusters are refused at once with exit 2, one line and nothing written", () => {
    for (const [file, pattern] of [
      [scene((s) => (s.grid.nx = 1e9)), /needs about 13 TiB/],
      [scene((s) => (s.time.nt = 1e8)), /needs about 5\d\d GiB/],
      [scene((s) => ((s.atoms = 100_000), (s.search.steps = 1e7)), "scenes/lj38-basin-hopping.json"), /use fewer atoms or search\.steps/],
    ] as const) {
      const out = join(mkdtempSync(join(tmpdir(), "limits-")), "run");
      const r = run(file, "--out", out);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(pattern);
      expect(r.stderr).toMatch(/^gradscape: error: scene: needs about .* more than the memory limit of .*raise the limit \(--max-memory\)\n$/);
      expect(existsSync(out)).toBe(false);
    }
    // Beyond the schema's bound on atoms, before any estimate.
    const out = join(mkdtempSync(join(tmpdir(), "limits-")), "run");
    const r = run(scene((s) => (s.atoms = 1e8), "scenes/lj38-basin-hopping.json"), "--out", out);
    expect([r.status, r.stderr]).toEqual([2, expect.stringMatching(/^gradscape: error: atoms: Too big: expected number to be <=100000\n/)]);
    expect(existsSync(out)).toBe(false);
  });

  test("--max-memory sets the limit and --dry-run prints the estimate without writing", () => {
    const out = join(mkdtempSync(join(tmpdir(), "limits-")), "run");
    const refused = run("scenes/continuation-fwi.json", "--out", out, "--max-memory", "10MiB");
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/more than the memory limit of 10 MiB/);
    expect(existsSync(out)).toBe(false);
    const dry = run("scenes/continuation-fwi.json", "--dry-run");
    expect(dry.status).toBe(0);
    expect(dry.stdout).toMatch(/^scenes\/continuation-fwi\.json: a valid wave-inversion scene\nmemory: about 3\d MiB \(.*\); limit .*\ntime steps: 4,000 per forward run \(all shots\); runs: .*120 iterations/);
    expect(run("scenes/continuation-fwi.json", "--out", out, "--max-memory", "lots").stderr).toMatch(/^gradscape: error: --max-memory: expected a size such as 8GiB/);
  });
});

describe("values the schema used to accept and that failed later", () => {
  const calibration = () => {
    const s = loadScene("scenes/dimer-forces-calibration.json");
    if (s.kind !== "molecular-calibration") throw new Error("expected a calibration scene");
    return s;
  };
  const folder = () => join(mkdtempSync(join(tmpdir(), "limits-")), "run");

  test("counts and noise levels have bounds, named with the field", () => {
    const raw = (file: string) => JSON.parse(readFileSync(file, "utf8"));
    const flagship = raw("scenes/continuation-fwi.json");
    expect(() => parseScene({ ...flagship, optimizer: { kind: "lbfgs", iterations: 1e9 } })).toThrow(/^optimizer\.iterations: Too big: expected number to be <=100000/);
    expect(() => parseScene({ ...flagship, noise: { relative: 1e298, seed: 1 } })).toThrow(/^noise\.relative: Too big: expected number to be <=10/);
    expect(() => parseScene({ ...flagship, bands: new Array(500).fill("full") })).toThrow(/^bands: Too big: expected array to have <=100 items/);
    const dimer = raw("scenes/dimer-forces-calibration.json");
    expect(() => parseScene({ ...dimer, reference: { ...dimer.reference, separations: { from: 0.9, to: 2.5e300, count: 40 } } })).toThrow(/^reference\.separations\.to: Too big/);
    expect(() => parseScene({ ...dimer, reference: { ...dimer.reference, separations: { from: 3, to: 2, count: 40 } } })).toThrow(/^reference\.separations\.to: expected from < to/);
  });

  test("a calibration the data cannot determine is reported with its condition number, and nothing is written", () => {
    const s = calibration();
    const dir = folder();
    // Separations from 1,000 to 100,000: every energy is ~0, the Jacobian's columns vanish.
    const far = { ...s, reference: { ...s.reference, separations: { ...s.reference.separations, from: 1000, to: 1e5 } } };
    expect(() => runCalibration(far, dir)).toThrow(/^fits\[0\]: J\^T W J has condition number (\d\.\d\de\+\d+|infinity \(singular\)), above 1e\+14: the data do not determine every parameter/);
    expect(existsSync(dir)).toBe(false);
  });

  test("a fit whose start overflows is named, and the fits before it leave nothing behind", () => {
    const s = calibration();
    const dir = folder();
    const fits = s.fits.map((f, i) => (i === 1 && f.kind === "morse" ? { ...f, width: 1.5e6 } : f));
    expect(s.fits[1].kind).toBe("morse");
    expect(() => runCalibration({ ...s, fits }, dir)).toThrow(/^fits\[1\]: the fit cannot start from these parameters: /);
    expect(existsSync(dir)).toBe(false);
  });
});

describe("a refusal keeps what was there", () => {
  let cli = "";
  beforeAll(async () => {
    cli = (await bundle("limits")).cli;
  });
  const run = (...args: string[]) => spawnSync(process.execPath, [cli, "run", ...args], { encoding: "utf8", timeout: 60_000 });

  test("--force with a scene the runner refuses leaves the old run whole, and releases the lock", () => {
    const out = join(mkdtempSync(join(tmpdir(), "limits-")), "run");
    expect(run("scenes/layered-forward.json", "--out", out).status).toBe(0);
    const before = readFileSync(join(out, "manifest.json"), "utf8");
    // Bounds the CFL condition refuses: found by the runner, after the folder was locked.
    const bad = join(mkdtempSync(join(tmpdir(), "limits-")), "scene.json");
    writeFileSync(bad, JSON.stringify({ ...JSON.parse(readFileSync("scenes/continuation-fwi.json", "utf8")), bounds: { velocity: [1500, 9000] } }));
    const r = run(bad, "--out", out, "--force");
    expect([r.status, r.stderr]).toEqual([2, expect.stringMatching(/^gradscape: error: bounds\.velocity: unstable/)]);
    expect(readFileSync(join(out, "manifest.json"), "utf8")).toBe(before);
    expect(existsSync(join(out, ".lock"))).toBe(false);
  });

  test("a --view port in use is refused with no lock and no folder left", async () => {
    const { createServer } = await import("node:net");
    const server = createServer();
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    const port = (server.address() as { port: number }).port;
    const out = join(mkdtempSync(join(tmpdir(), "limits-")), "run");
    const r = spawnSync(process.execPath, [cli, "run", "scenes/layered-forward.json", "--out", out, "--view", "--port", String(port)], { encoding: "utf8", timeout: 60_000 });
    server.close();
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^gradscape: error: --view: /);
    expect(existsSync(out)).toBe(false);
  });
});
