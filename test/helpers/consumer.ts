/**
 * The sources of a fresh consumer project for test/package.test.ts: strict
 * tsconfigs without skipLibCheck, a browser-side file that imports only
 * "gradscape" (type-checked with no Node types at all), and a Node program
 * that uses "gradscape/node" from the installed package — run folders, the
 * shot pool's worker file, the viewer's assets, one class shared by both
 * entries — and prints what it found as one JSON line.
 */

/** package.json of the scratch project. */
export const PACKAGE_JSON = JSON.stringify({ name: "gradscape-consumer", version: "0.0.0", private: true, type: "module" }, null, 2);

const strict = { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", lib: ["ES2022"], strict: true, skipLibCheck: false };

/** The Node program and the README's tour, compiled to out/ (Node types available). */
export const TSCONFIG_NODE = JSON.stringify({ compilerOptions: { ...strict, types: ["node"], outDir: "out", rootDir: "." }, files: ["tour.ts", "node.ts"] }, null, 2);

/** The browser-side file: no Node types, so a Node type in the main entry's declarations fails it. */
export const TSCONFIG_BROWSER = JSON.stringify({ compilerOptions: { ...strict, types: [], noEmit: true }, files: ["browser.ts"] }, null, 2);

/** Imports from "gradscape" only, and uses ndarray-typed values (which were `any` when @types/ndarray did not install). */
export const BROWSER_TS = `import { WaveSimulator, WaveSimulator2D, dotTest, field, ricker, type Field, type DotTestResult, type Wave2DConfig, type Wave2DShotProblem } from "gradscape";

const nx = 40;
const model: Field = field(new Float64Array(nx).fill(2000), [nx]);
const first: number = model.get(0);
const shape: number[] = model.shape;
// @ts-expect-error: an ndarray's get() returns a number, not a string (this line compiles when the types are any)
const wrong: string = model.get(0);
export function check(): DotTestResult {
  const sim = new WaveSimulator({ nx, dx: 5, dt: 5e-4, nt: 50, pml: { width: 10, velocity: 2000 }, shots: [{ source: 50, wavelet: ricker(15, 50, 5e-4), receivers: [150] }] });
  return dotTest(sim, model);
}
export function check2D(): DotTestResult {
  const config: Wave2DConfig = { nx: 20, nz: 15, dx: 10, dz: 10, dt: 1e-3, nt: 50, top: "free", pml: { width: 8, velocity: 2000 }, shots: [{ source: { x: 95, z: 40 }, wavelet: ricker(20, 50, 1e-3), receivers: [{ x: 30, z: 0 }] }] };
  const problem: Wave2DShotProblem = { kind: "wave2d", config, observed: [new Float64Array(50)], misfit: { kind: "least-squares" } };
  return dotTest(new WaveSimulator2D(problem.config), field(new Float64Array(20 * 15).fill(2000), [15, 20]));
}
export { first, shape, wrong };
`;

/** Exercises gradscape/node from the installed package and prints one JSON line. */
export const NODE_TS = `import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as main from "gradscape";
import { InputError, RunWriter, ShotPool, field, flatten, parseScene, readRun, ricker, sceneJsonSchema, serialShotObjective, serveRun, type ShotProblem } from "gradscape/node";

const dir = mkdtempSync(join(tmpdir(), "gradscape-consumer-"));
const run = new RunWriter(dir);
run.array("velocity", field(new Float64Array([1500, 2000, 2500]), [3]), { units: "m/s", axes: [{ name: "x", units: "m" }] });
run.finish("consumer", null);
const roundTrip = [...flatten(readRun(dir).load("velocity"))];

let sceneError = "";
try {
  parseScene({ kind: "no-such-kind" });
} catch (e) {
  sceneError = e instanceof main.InputError ? "InputError" : String(e);
}

const nx = 60, dt = 1e-3, nt = 120;
const problem: ShotProblem = {
  config: { nx, dx: 10, dt, nt, pml: { width: 10, velocity: 2000 }, shots: [50, 300, 550].map((source) => ({ source, wavelet: ricker(15, nt, dt), receivers: [100, 500] })) },
  observed: [0, 1, 2].map(() => new Float64Array(2 * nt)),
  misfit: { kind: "least-squares" },
};
const velocity = new Float64Array(nx).fill(2000);
const serialGradient = new Float64Array(nx);
const serial = serialShotObjective(problem)(velocity, serialGradient);
const pool = new ShotPool(problem, 2);
await pool.ready();
const pooledGradient = new Float64Array(nx);
const pooled = pool.objective(velocity, pooledGradient);
await pool.close();

const server = await serveRun(dir);
const page = await fetch(server.url);
const viewer = { status: page.status, html: (await page.text()).includes("<html") };
await server.close();

console.log(JSON.stringify({
  sameClass: main.InputError === InputError,
  roundTrip,
  sceneError,
  schema: typeof sceneJsonSchema() === "object",
  pool: { same: serial === pooled && serialGradient.every((g, i) => g === pooledGradient[i]), positive: serial > 0 },
  viewer,
}));
`;

/** A plain JavaScript program that prints the installed package's backend and a dot test run on it, as one JSON line. */
export const BACKEND_JS = `import { WaveSimulator, backendInfo, dotTest, field, ricker } from "gradscape";

const nx = 60, dt = 5e-4, nt = 200;
const sim = new WaveSimulator({ nx, dx: 5, dt, nt, pml: { width: 10, velocity: 2500 }, shots: [{ source: 50, wavelet: ricker(20, nt, dt), receivers: [150, 250] }], warn: () => {} });
const velocity = field(new Float64Array(nx).map((_, i) => 2000 + 5 * i), [nx]);
const { relativeError } = dotTest(sim, velocity);
console.log(JSON.stringify({ ...backendInfo(), dotTest: relativeError }));
`;
