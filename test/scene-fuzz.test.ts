/**
 * The scene fuzzer: seeded mutations of every shipped scene (shrunk to a few
 * iterations so that valid ones run in about a second), each run through the
 * command line. Every one must either run to a readable folder or be refused
 * with exit code 2, one message naming the field (or the file's line and
 * column), no stack trace, and nothing left on disk.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { Random } from "../src/core/random.js";
import { readRun } from "../src/run/folder.js";
import { bundle } from "./helpers/bundle.js";
import { mutate, MUTATIONS, type Mutant } from "./helpers/mutate.js";

/** How many mutants: the 300 the project asks of its fuzzer (each a CLI process of 0.3-1 s). */
const CASES = 300;
const SEED = 20261129;

/** A shipped scene cut down to a few iterations or steps (the mutation, not the physics, is under test). */
function shrunk(file: string): Record<string, any> {
  const s = JSON.parse(readFileSync(join("scenes", file), "utf8"));
  if (s.kind === "wave-inversion" || s.kind === "heat-inversion") s.optimizer.iterations = 2;
  if (s.kind === "heat-inversion" && s.lCurve !== undefined) s.lCurve.weights = s.lCurve.weights.slice(0, 2);
  if (s.kind === "molecular-basin-hopping") (s.search.steps = 3), delete s.search.evaluations;
  if (s.kind === "molecular-calibration") s.iterations = 30;
  if (s.kind === "sensor-design") {
    s.optimizer.iterations = 2;
    if (s.design.kind === "rod") (s.design.noise.draws = 1), (s.design.inversion.iterations = 3);
  }
  if (s.kind === "conformer-search" && s.search.method === "basin-hopping") (s.search.starts = 1), (s.search.steps = 3);
  if (s.kind === "joint-inversion") s.optimizer.iterations = 2;
  if (s.kind === "wave2d-inversion") {
    // Two shots of 100 steps, at most 8 receivers (each a receiver-side illumination run) and one
    // band: a 2D section's full acquisition would take seconds per mutant.
    s.optimizer.iterations = 1;
    s.time.nt = 100;
    if (Array.isArray(s.shots)) s.shots = s.shots.slice(0, 2);
    else (s.shots.sources.count = Math.min(s.shots.sources.count, 2)), (s.shots.receivers.count = Math.min(s.shots.receivers.count, 8));
    if (Array.isArray(s.bands)) s.bands = s.bands.slice(-1);
  }
  return s;
}

interface Outcome {
  mutant: Mutant;
  base: string;
  status: number | null;
  stderr: string;
  out: string;
  workdir: string;
  /** What was wrong (judged before the case's folder is removed), or null. */
  why?: string | null;
}

function runCli(cli: string, args: string[], timeoutMs: number): Promise<{ status: number | null; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("close", (status) => (clearTimeout(timer), done({ status, stderr })));
  });
}

/** The names a refusal may start with: the scene's own top-level keys, or the scene as a whole. */
function fieldsOf(text: string): Set<string> {
  const names = new Set(["scene", "(scene)"]);
  try {
    const v = JSON.parse(text) as unknown;
    if (v !== null && typeof v === "object" && !Array.isArray(v)) for (const k of Object.keys(v)) names.add(k);
  } catch {
    // not JSON: only a file:line:column will do
  }
  return names;
}

/** What is wrong with an outcome, or null when it is one of the two allowed ends. */
function verdict(o: Outcome): string | null {
  if (/^\s+at .*:\d+:\d+\)?$/m.test(o.stderr)) return "printed a stack trace";
  if (o.status === 2) {
    // Progress lines may come first (on stderr off a terminal); the error is the first "error:" line.
    const first = o.stderr.split("\n").find((l) => l.startsWith("gradscape: error: ")) ?? o.stderr;
    // "<field>: <reason>" with a field of the scene, or for a syntax error "<file>:<line>:<column>: <reason>".
    const named = /^gradscape: error: (\S+:\d+:\d+|[^:\s][^:]*): \S/.exec(first)?.[1];
    if (named === undefined || !(/:\d+:\d+$/.test(named) || fieldsOf(o.mutant.text).has(named.split(/[.[]/)[0]))) {
      return `refused without naming a field of the scene: ${JSON.stringify(first)}`;
    }
    if (existsSync(o.out)) return `refused but left ${o.out} on disk`;
    const stray = readdirSync(o.workdir).filter((f) => f !== "scene.json");
    if (stray.length > 0) return `refused but left ${stray.join(", ")} beside the scene`;
    return null;
  }
  if (o.status === 0 || o.status === 1) {
    // A run (finished, or stopped by a failure it reports): the folder must read.
    let run: ReturnType<typeof readRun>;
    try {
      run = readRun(o.out);
    } catch (e) {
      return `exit ${o.status} but the folder does not read: ${(e as Error).message}`;
    }
    const expected = o.status === 0 ? "finished" : "failed";
    if (run.manifest.status !== expected) return `exit ${o.status} with a manifest saying ${String(run.manifest.status)}`;
    if (o.status === 1 && !/^gradscape: error: /.test(o.stderr)) return `exit 1 without a message: ${JSON.stringify(o.stderr.slice(0, 200))}`;
    for (const entry of run.manifest.arrays) {
      const shape = run.load(entry.name).shape;
      if (shape.join() !== entry.shape.join()) return `${entry.file} has shape [${shape}] but the manifest says [${entry.shape}]`;
    }
    if (readdirSync(o.out).some((f) => f.includes(".tmp"))) return "left temporary files in the run folder";
    return null;
  }
  return `exit ${o.status} (${o.status === null ? "killed after the time limit: a hang" : "neither a run nor a refusal"}): ${o.stderr.slice(0, 300)}`;
}

describe("the scene fuzzer", () => {
  let cli = "";
  beforeAll(async () => {
    cli = (await bundle("scene-fuzz")).cli;
  });

  test(`${CASES} mutated shipped scenes each run to a readable folder or are refused cleanly`, async () => {
    const bases = readdirSync("scenes").filter((f) => f.endsWith(".json") && f !== "scene.schema.json").sort();
    const rng = new Random(SEED);
    const cases = Array.from({ length: CASES }, (_, k) => {
      const base = bases[k % bases.length];
      return { base, mutant: mutate(shrunk(base), rng) };
    });
    const outcomes: Outcome[] = [];
    let next = 0;
    // Two at a time: the machine has two cores.
    const worker = async () => {
      while (next < cases.length) {
        const { base, mutant } = cases[next++];
        const workdir = mkdtempSync(join(tmpdir(), "fuzz-"));
        writeFileSync(join(workdir, "scene.json"), mutant.text);
        const out = join(workdir, "run");
        const r = await runCli(cli, ["run", join(workdir, "scene.json"), "--out", out], 60_000);
        const o: Outcome = { mutant, base, status: r.status, stderr: r.stderr, out, workdir };
        o.why = verdict(o);
        outcomes.push(o);
        if (o.why === null) rmSync(workdir, { recursive: true, force: true });
      }
    };
    await Promise.all([worker(), worker()]);
    const report = outcomes.filter((o) => o.why !== null).map((o) => `${o.base} [${o.mutant.kind}: ${o.mutant.what}] -> ${o.why} (kept in ${o.workdir})`);
    expect(report).toEqual([]);
    // Both ends occur, and every kind of mutation was tried.
    expect(outcomes.filter((o) => o.status === 0).length).toBeGreaterThan(10);
    expect(outcomes.filter((o) => o.status === 2).length).toBeGreaterThan(100);
    expect(new Set(outcomes.map((o) => o.mutant.kind)).size).toBe(MUTATIONS.length);
  }, 540_000);
});
