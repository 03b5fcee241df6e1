/**
 * The CLI's conventions: --version, unknown options reported as unknown (with
 * the closest known one) and exit code 2 for every refusal, JSON syntax
 * errors with line, column and the offending text, scene files with comments
 * (the README's examples, which are tested here to validate and run), and the
 * shipped scene.schema.json equal to `gradscape schema`.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { readRun } from "../src/run/folder.js";
import { parseScene, parseSceneText } from "../src/scene/load.js";
import { sceneJsonSchema } from "../src/scene/schema.js";
import { runHeatInversion } from "../src/scene/heat-inversion.js";
import { runWaveForward } from "../src/scene/wave-forward.js";
import { runBasinHopping } from "../src/scene/molecular.js";
import { runWave2DInversion } from "../src/scene/wave2d-inversion.js";
import { runWaveInversion } from "../src/scene/wave-inversion.js";
import { bundle } from "./helpers/bundle.js";

let cli = "";
beforeAll(async () => {
  cli = (await bundle("cli-conventions")).cli;
});
const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", timeout: 60_000 });
const temp = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));

describe("options and exit codes", () => {
  test("--version prints package.json's version", () => {
    const r = run("--version");
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(JSON.parse(readFileSync("package.json", "utf8")).version);
  });

  test("info prints the version, the wave kernels' backend with its reason, precision, threads and memory limit", () => {
    const withBackend = (value: string | undefined) => spawnSync(process.execPath, [cli, "info"], { encoding: "utf8", timeout: 60_000, env: { ...process.env, GRADSCAPE_BACKEND: value } });
    const r = withBackend(undefined);
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toBe(`gradscape ${JSON.parse(readFileSync("package.json", "utf8")).version} (Node ${process.versions.node}, ${process.platform} ${process.arch})`);
    expect(lines[1]).toMatch(/^wave kernels: (native: .+; \/.+gradscape\.node|WebAssembly: .+)$/);
    expect(lines.slice(2).map((l) => l.split(":")[0])).toEqual(["precision", "threads", "memory limit of runs"]);
    expect(withBackend("wasm").stdout.split("\n")[1]).toBe("wave kernels: WebAssembly: forced by GRADSCAPE_BACKEND=wasm");
    expect(withBackend("fast").stdout.split("\n")[1]).toMatch(/^wave kernels: none, runs would fail: GRADSCAPE_BACKEND: expected "native" or "wasm"/);
  });

  test("an unknown option is reported as unknown, with the closest known one, before a missing --out; exit 2", () => {
    const r = run("run", "scenes/layered-forward.json", "--outt", "x");
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^gradscape: error: unknown option '--outt'\n\(Did you mean --out\?\)/);
    expect(r.stderr).not.toMatch(/--out.* not specified|required/);
  });

  test("every refusal exits 2: usage errors as well as bad input", () => {
    for (const args of [["run"], ["run", "scenes/layered-forward.json"], ["frobnicate"], ["run", "scenes/layered-forward.json", "--out", "x", "--workers", "0"],
      ["run", "scenes/crosswell2d.json", "--out", "x", "--threads", "17"], ["run", "scenes/continuation-fwi.json", "--out", "x", "--threads", "2"]]) {
      const r = run(...args);
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stderr, args.join(" ")).toMatch(/^gradscape: error: /);
    }
    expect(run("run", "scenes/layered-forward.json").stderr).toMatch(/--out <dir> is required/);
    expect(run("run", "scenes/crosswell2d.json", "--out", "x", "--threads", "17").stderr).toMatch(/--threads: expected an integer from 1 to 16, got "17"/);
    expect(run("run", "scenes/continuation-fwi.json", "--out", "x", "--threads", "2").stderr).toMatch(/--threads: only 2D wave inversion scenes/);
  });

  test("--help documents the exit codes", () => {
    for (const args of [["--help"], ["run", "--help"]]) {
      const r = run(...args);
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/Exit codes:\n\s+0 +done\n\s+1 +a run failed[\s\S]*\n\s+2 +refused before anything was written[\s\S]*\n\s+130 +interrupted/);
    }
  });
});

describe("scene files", () => {
  test("a syntax error names the line and column, says what is wrong and shows the offending line", () => {
    const text = '{\n  "kind": "wave-forward",\n  "grid": { "nx": NaN, "dx": 5 }\n}';
    expect(() => parseSceneText(text, "s.json")).toThrow('s.json:3:19: not valid JSON: unexpected NaN (NaN and Infinity are not JSON numbers)\n  3 |   "grid": { "nx": NaN, "dx": 5 }\n                        ^');
    expect(() => parseSceneText('{ "a": [1, 2,],\n}', "t.json")).toThrow(/^t\.json:1:14: not valid JSON: expected a value before "\]" \(a trailing comma\?\)/);
    expect(() => parseSceneText('{ "a": 1 "b": 2 }', "u.json")).toThrow(/^u\.json:1:10: not valid JSON: expected a comma or a closing bracket/);
    // Only NaN and Infinity get the NaN hint.
    expect(() => parseSceneText('{ "a": 1 "b": 2 }', "u.json")).not.toThrow(/NaN/);
  });

  test("from the CLI: the same message, exit 2, no stack trace, no output folder", () => {
    const dir = temp("json-");
    writeFileSync(join(dir, "bad.json"), '{"kind": "wave-forward",\n "grid": {"nx": Infinity}}');
    const r = run("run", join(dir, "bad.json"), "--out", join(dir, "out"));
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`gradscape: error: ${join(dir, "bad.json")}:2:17: not valid JSON: unexpected Infinity (NaN and Infinity are not JSON numbers)\n  2 |  "grid": {"nx": Infinity}}\n                      ^\n`);
    expect(readdirSync(dir)).toEqual(["bad.json"]);
  });

  test("a misspelt key is named before the required key it leaves missing", () => {
    const scene = JSON.parse(readFileSync("scenes/continuation-fwi.json", "utf8"));
    scene.optimiser = scene.optimizer;
    delete scene.optimizer;
    expect(() => parseScene(scene)).toThrow(/^\(scene\): Unrecognized key: "optimiser"\n {2}optimizer: /);
  });

  test("a misspelt kind is named, not reported as a missing discriminator", () => {
    const scene = JSON.parse(readFileSync("scenes/heat-conductivity.json", "utf8"));
    scene.knd = scene.kind;
    delete scene.kind;
    expect(() => parseScene(scene)).toThrow(/^knd: no kind of scene has this field, and "kind" is missing: a misspelt "kind"\?$/);
  });

  test("a potential whose energies overflow at the start is refused naming it, before the folder is touched", () => {
    const scene = parseScene({ ...JSON.parse(readFileSync("scenes/morse-cluster.json", "utf8")), potential: { kind: "morse", depth: 1, width: 9007199254740994, equilibrium: 1 } });
    if (scene.kind !== "molecular-basin-hopping") throw new Error("expected basin hopping");
    const dir = join(mkdtempSync(join(tmpdir(), "overflow-")), "run");
    expect(() => runBasinHopping(scene, dir)).toThrow(/^potential: its energy at the random start is not finite/);
    expect(existsSync(dir)).toBe(false);
  });

  test("comments are allowed in scene files", () => {
    const text = '// a forward scene\n{ "kind": "wave-forward", /* cells */ "grid": { "nx": 100, "dx": 5 },\n "time": { "dt": 5e-4, "nt": 100 }, "model": { "velocity": { "layers": [{ "top": 0, "velocity": 1500 }] } },\n "wavelet": { "type": "ricker", "frequency": 15 }, "shots": [{ "source": 100, "receivers": [300] }] }';
    expect(parseScene(parseSceneText(text)).kind).toBe("wave-forward");
  });

  test("every scene example in the README validates and runs (the inversion example completed with the forward example's grid, time, boundaries, wavelet and shots, as the README says)", () => {
    const readme = readFileSync("README.md", "utf8");
    const blocks = [...readme.matchAll(/```jsonc?\n([\s\S]*?)```/g)].map((m) => parseSceneText(m[1], "README.md") as Record<string, unknown>);
    const byKind = new Map(blocks.map((b) => [b.kind, b]));
    expect([...byKind.keys()].sort()).toEqual(["heat-inversion", "wave-forward", "wave-inversion", "wave2d-inversion"]);
    const { model: _model, output: _output, ...common } = byKind.get("wave-forward")!;
    const examples = blocks.map((b) => (b.kind === "wave-inversion" ? { ...common, ...b } : b));
    for (const example of examples) {
      const scene = parseScene(example);
      const dir = temp("readme-");
      // Run each (inversions cut to 2 iterations per band, to keep the test short).
      if (scene.kind === "wave-forward") runWaveForward(scene, dir);
      else if (scene.kind === "wave-inversion") runWaveInversion({ ...scene, bands: [2, "full"], optimizer: { ...scene.optimizer, iterations: 2 } }, dir);
      // The 2D section cut to two shots of 300 steps and one iteration.
      else if (scene.kind === "wave2d-inversion") {
        const shots = Array.isArray(scene.shots) ? scene.shots.slice(0, 2) : { ...scene.shots, sources: { ...scene.shots.sources, count: 2 } as typeof scene.shots.sources };
        runWave2DInversion({ ...scene, shots, time: { ...scene.time, nt: 300 }, bands: ["full"], optimizer: { ...scene.optimizer, iterations: 1 } }, dir);
      } else if (scene.kind === "heat-inversion") runHeatInversion({ ...scene, lCurve: undefined, optimizer: { ...scene.optimizer, iterations: 2 } }, dir);
      else throw new Error(`unexpected kind ${scene.kind}`);
      expect(readRun(dir).manifest.status ?? "finished", scene.kind).toBe("finished");
    }
  }, 120_000);

  test("scenes/scene.schema.json, which every shipped scene names, is the schema `gradscape schema` prints", () => {
    const shipped = readFileSync("scenes/scene.schema.json", "utf8");
    expect(shipped).toBe(JSON.stringify(sceneJsonSchema(), null, 2) + "\n");
    expect(run("schema").stdout).toBe(shipped);
    for (const f of readdirSync("scenes").filter((f) => f.endsWith(".json") && f !== "scene.schema.json")) {
      expect(JSON.parse(readFileSync(join("scenes", f), "utf8")).$schema, f).toBe("./scene.schema.json");
    }
  });
});
