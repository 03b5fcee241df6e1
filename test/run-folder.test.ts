import { Ajv2020 } from "ajv/dist/2020.js";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { flatten } from "../src/core/arrays.js";
import { decodeNpy, encodeNpy } from "../src/run/npy.js";
import { readRun } from "../src/run/folder.js";
import { runWaveForward } from "../src/scene/wave-forward.js";
import { loadScene, parseScene } from "../src/scene/load.js";
import type { WaveForwardScene } from "../src/scene/schema.js";
import { bundle } from "./helpers/bundle.js";
import { WaveSimulator } from "../src/wave/simulator.js";
import { expectRoles } from "./helpers/roles.js";

describe(".npy format", () => {
  test("header follows the NumPy format 1.0 specification", () => {
    const bytes = encodeNpy(Float64Array.of(1, 2, 3, 4, 5, 6), [2, 3]);
    // Magic string \x93NUMPY, version 1.0.
    expect([...bytes.subarray(0, 8)]).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    const headerLength = bytes[8] + 256 * bytes[9];
    // Data start aligned to 64 bytes, header ends with a newline, and is a Python dict literal.
    expect((10 + headerLength) % 64).toBe(0);
    const header = Buffer.from(bytes.subarray(10, 10 + headerLength)).toString("latin1");
    expect(header.endsWith("\n")).toBe(true);
    expect(header.trimEnd()).toBe("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }");
    expect(bytes.length).toBe(10 + headerLength + 6 * 8);
    // Little-endian float64 in C order.
    expect(Buffer.from(bytes).readDoubleLE(10 + headerLength + 8 * 5)).toBe(6);
  });

  test("1-D shapes use the one-element tuple syntax, and the reader inverts the writer", () => {
    const values = Float64Array.from({ length: 7 }, (_, i) => Math.PI * i - 1e-300 * i);
    const bytes = encodeNpy(values, [7]);
    expect(Buffer.from(bytes).toString("latin1")).toContain("'shape': (7,), }");
    const back = decodeNpy(bytes);
    expect(back.shape).toEqual([7]);
    expect([...flatten(back)]).toEqual([...values]);
  });

  const python = spawnSync("python3", ["-c", "import numpy"]).status === 0;
  test.skipIf(!python)("numpy.load reads what we write (skipped where python3 with numpy is absent)", () => {
    const dir = mkdtempSync(join(tmpdir(), "npy-"));
    writeFileSync(join(dir, "a.npy"), encodeNpy(Float64Array.of(0.5, -2, 3e-310, 7), [2, 1, 2]));
    const out = execFileSync("python3", ["-c", `import numpy as np; a = np.load(${JSON.stringify(join(dir, "a.npy"))}); print(a.shape, a.dtype, repr(a.ravel().tolist()))`]).toString();
    expect(out.trim()).toBe("(2, 1, 2) float64 [0.5, -2.0, 3e-310, 7.0]");
  });
});

/** Narrows a parsed scene to the forward kind. */
function forwardScene(s: ReturnType<typeof parseScene>): WaveForwardScene {
  if (s.kind !== "wave-forward") throw new Error(`expected a wave-forward scene, got ${s.kind}`);
  return s;
}

describe("wave-forward scene", () => {
  const scene = forwardScene(parseScene({
    kind: "wave-forward",
    grid: { nx: 200, dx: 5 },
    time: { dt: 5e-4, nt: 400 },
    model: { velocity: { layers: [{ top: 0, velocity: 1500 }, { top: 500, velocity: 2500 }] } },
    wavelet: { type: "ricker", frequency: 15 },
    shots: [
      { source: 100, receivers: { from: 0, to: 995, count: 5 } },
      { source: 800, receivers: [10, 20, 30, 40, 50] },
    ],
    output: { wavefieldEvery: 8 },
  }));

  let dir = "";
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "run-"));
    runWaveForward(scene, dir);
  });

  test("the run folder's arrays equal a direct simulator run and the manifest describes them", () => {
    const run = readRun(dir);
    expect(run.manifest.arrays.map((a) => a.name)).toEqual(["velocity", "data", "wavefield", "receivers", "sources"]);
    expectRoles(run.manifest, ["model", "data", "field", "geometry"]);
    const data = run.load("data");
    expect(data.shape).toEqual([2, 5, 400]);
    const entry = run.manifest.arrays.find((a) => a.name === "data")!;
    expect(entry.axes.map((a) => a.name)).toEqual(["shot", "receiver", "t"]);
    expect(entry.axes[2]).toMatchObject({ units: "s", start: 0, step: 5e-4 });
    const v = run.load("velocity");
    expect(v.get(99)).toBe(1500);
    expect(v.get(100)).toBe(2500);
    const sim = new WaveSimulator({
      nx: 200, dx: 5, dt: 5e-4, nt: 400, pml: { width: 20, velocity: 2500 }, warn: () => {},
      shots: [
        { source: 100, wavelet: ricker15(), receivers: [0, 248.75, 497.5, 746.25, 995] },
        { source: 800, wavelet: ricker15(), receivers: [10, 20, 30, 40, 50] },
      ],
    });
    expect([...flatten(data)]).toEqual([...flatten(sim.forward(v))]);
    // Snapshot k of the wavefield is u(t = 8 k dt) at every cell; at t = 0 it is zero.
    const w = run.load("wavefield");
    expect(w.shape).toEqual([2, 50, 200]);
    expect(w.get(0, 0, 20)).toBe(0);
  });

  test("a scene with unknown keys, a bad value or a receiver off the grid is refused with its path", () => {
    expect(() => parseScene({ ...scene, extra: 1 })).toThrow(/Unrecognized key: "extra"/);
    expect(() => parseScene({ ...scene, grid: { nx: 200, dx: -5 } })).toThrow(/^grid\.dx: Too small/);
    const off = forwardScene(parseScene({ ...scene, shots: [{ source: 100, receivers: [5000] }] }));
    expect(() => runWaveForward(off, join(dir, "never"))).toThrow(/^shots\[0\]\.receivers\[0\]: position 5000 m is outside the grid \[0, 995\] m/);
    expect(existsSync(join(dir, "never"))).toBe(false);
  });
});

function ricker15(): Float64Array {
  const w = new Float64Array(400);
  for (let n = 0; n < 400; n++) {
    const a = (Math.PI * 15 * (n * 5e-4 - 0.1)) ** 2;
    w[n] = (1 - 2 * a) * Math.exp(-a);
  }
  return w;
}

describe("gradscape CLI", () => {
  let bundle = "";
  beforeAll(async () => {
    bundle = await buildCli();
  });
  const cli = (...args: string[]) => spawnSync(process.execPath, [bundle, ...args], { encoding: "utf8" });

  test("bad scenes give one clear line, no stack trace and no output folder", () => {
    const dir = mkdtempSync(join(tmpdir(), "cli-"));
    const bad = join(dir, "bad.json");
    writeFileSync(bad, '{"kind": "wave-forward", "grid": {"nx": NaN}}');
    const r = cli("run", bad, "--out", join(dir, "out"));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^gradscape: error: .*bad\.json:1:41: not valid JSON: unexpected NaN \(NaN and Infinity are not JSON numbers\)/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(dir, "out"))).toBe(false);
  });

  test("run writes a folder numpy and readRun can open, and refuses to overwrite it", () => {
    const dir = mkdtempSync(join(tmpdir(), "cli-"));
    const sceneFile = join(dir, "s.json");
    writeFileSync(sceneFile, JSON.stringify({
      kind: "wave-forward", grid: { nx: 100, dx: 5 }, time: { dt: 5e-4, nt: 200 },
      model: { velocity: { layers: [{ top: 0, velocity: 1500 }] } },
      wavelet: { type: "ricker", frequency: 15 }, shots: [{ source: 100, receivers: [300] }],
    }));
    const out = join(dir, "out");
    const r = cli("run", sceneFile, "--out", out);
    expect(r.stderr).toMatch(/forward: 100%/);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`to ${out}`);
    expect(readRun(out).load("data").shape).toEqual([1, 1, 200]);
    const again = cli("run", sceneFile, "--out", out);
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/--out: .* already exists and is not empty; choose another folder or pass --force/);
  });

  test("view and --view refuse bad folders and ports with one clear line", () => {
    const dir = mkdtempSync(join(tmpdir(), "cli-"));
    const cases: [string[], RegExp][] = [
      [["view", join(dir, "missing")], /view: .*missing does not exist/],
      [["view", dir], /view: .* is not a run folder \(no manifest.json\)/],
      [["run", "scenes/morse-cluster.json", "--out", join(dir, "o1"), "--view", "--port", "http"], /--port: expected an integer from 0 to 65535, got "http"/],
      [["run", "scenes/morse-cluster.json", "--out", join(dir, "o2"), "--port", "8080"], /--port: only with --view/],
    ];
    for (const [args, message] of cases) {
      const r = cli(...args);
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  test("schema prints a JSON Schema that an independent validator (ajv) applies as the loader does", () => {
    const r = cli("schema");
    expect(r.status).toBe(0);
    const validate = new Ajv2020({ strict: false, allErrors: true }).compile(JSON.parse(r.stdout));
    // Every shipped scene passes it; an unknown key, a wrong type, a missing field or another kind fails
    // it, as they fail the loader.
    const scenes = readdirSync("scenes").filter((f) => f.endsWith(".json") && f !== "scene.schema.json");
    expect(scenes.length).toBeGreaterThan(10);
    for (const f of scenes) {
      const scene = JSON.parse(readFileSync(join("scenes", f), "utf8"));
      expect(validate(scene), `${f}: ${JSON.stringify(validate.errors?.slice(0, 2))}`).toBe(true);
      for (const bad of [{ ...scene, colour: "blue" }, { ...scene, kind: "wave-backward" }, { ...scene, description: 7 }, Object.fromEntries(Object.entries(scene).filter(([k]) => k !== "kind"))]) {
        expect(validate(bad), f).toBe(false);
        expect(() => parseScene(bad)).toThrow();
      }
    }
  });

  test("the shipped scenes validate", () => {
    for (const f of readdirSync("scenes").filter((f) => f.endsWith(".json") && f !== "scene.schema.json")) expect(() => loadScene(join("scenes", f))).not.toThrow();
  });
});

const buildCli = async () => (await bundle("run-folder")).cli;
