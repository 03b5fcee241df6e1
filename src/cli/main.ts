#!/usr/bin/env node
/** The `gradscape` command line: runs scenes into run folders. */
import { Command, CommanderError } from "commander";
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { Worker } from "node:worker_threads";
import { resolve } from "node:path";
import { totalmem } from "node:os";
import { IllConditionedError, InputError, NonFiniteError } from "../core/errors.js";
import { oncePerKind } from "../core/warn.js";
import { describeParts, formatBytes, memoryLimit, parseBytes, setMemoryLimit, totalBytes } from "../core/memory.js";
import { estimateScene } from "../scene/estimate.js";
import { loadScene } from "../scene/load.js";
import { sceneJsonSchema } from "../scene/schema.js";
import { runWaveForward } from "../scene/wave-forward.js";
import { runWaveInversion } from "../scene/wave-inversion.js";
import { runHeatInversion } from "../scene/heat-inversion.js";
import { runBasinHopping, runCalibration } from "../scene/molecular.js";
import { serveRun } from "../view/server.js";
import { terminalProgress } from "./progress.js";

function fail(message: string): never {
  process.stderr.write(`gradscape: error: ${message}\n`);
  process.exit(2);
}

function portOf(text: string | undefined): number {
  if (text === undefined) return 0;
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) fail(`--port: expected an integer from 0 to 65535, got ${JSON.stringify(text)}`);
  return port;
}

/** Starts the viewer server on a worker thread (the run computes on this one) and returns its address. */
function viewerThread(dir: string, port: number): Promise<string> {
  const worker = new Worker(new URL("./view-worker.js", import.meta.url), { workerData: { dir, options: { port } } });
  worker.unref();
  return new Promise((done) => {
    worker.once("message", (m: { url?: string; error?: string }) => {
      if (m.error !== undefined) fail(`--view: ${m.error}`);
      worker.ref();
      done(m.url!);
    });
    worker.once("error", (e) => fail(`--view: the viewer server did not start: ${e.message}`));
  });
}

/** The closing line of a run: how to look at it (`npm run view` when `npm start` ran the flagship). */
function viewHint(out: string): string {
  const how = process.env.npm_lifecycle_event === "start" ? "npm run view" : `gradscape view ${/\s/.test(out) ? JSON.stringify(out) : out}`;
  return `look at it in the viewer: ${how}\n`;
}

const program = new Command()
  .name("gradscape")
  .description("Differentiable physics simulators with exact adjoint gradients: run scenes into run folders.")
  .showHelpAfterError()
  .exitOverride();

program
  .command("run")
  .description("run a scene file and write its results (manifest.json + .npy arrays) to a run folder")
  .argument("<scene>", "scene file (JSON); `gradscape schema` prints its JSON Schema")
  .option("-o, --out <dir>", "run folder to write (required unless --dry-run)")
  .option("-f, --force", "overwrite a run folder that already holds a run")
  .option("--resume", "continue an interrupted inversion in --out from its last completed iteration (same bytes as an uninterrupted run)")
  .option("-w, --workers <n>", "inversion scenes: evaluate shots on n worker threads (any n gives the same bytes)")
  .option("--view", "serve the viewer beside the run (on 127.0.0.1) and follow it live; keeps serving after the run until Ctrl-C")
  .option("--port <n>", "with --view: the port to serve on (default: any free port)")
  .option("--max-memory <size>", "refuse scenes estimated to need more memory than this (e.g. 8GiB, 500MB; default: half of this machine's memory)")
  .option("--dry-run", "validate the scene and print its estimated memory and time steps, without running or writing anything")
  .action(async (sceneFile: string, opts: { out?: string; force?: boolean; resume?: boolean; workers?: string; view?: boolean; port?: string; maxMemory?: string; dryRun?: boolean }) => {
    if (opts.maxMemory !== undefined) {
      const bytes = parseBytes(opts.maxMemory);
      if (bytes === null) fail(`--max-memory: expected a size such as 8GiB, 500MB or 2e9 (bytes), got ${JSON.stringify(opts.maxMemory)}`);
      setMemoryLimit(bytes);
    } else setMemoryLimit(totalmem() / 2);
    if (opts.dryRun) {
      const scene = loadScene(sceneFile);
      const estimate = estimateScene(scene, opts.workers === undefined ? 0 : Number(opts.workers) || 0);
      const total = totalBytes(estimate.memory);
      process.stdout.write(
        `${sceneFile}: a valid ${scene.kind} scene\n` +
          `memory: about ${formatBytes(total)} (${describeParts(estimate.memory)}); limit ${formatBytes(memoryLimit())}${total > memoryLimit() ? ": over the limit, it would be refused" : ""}\n` +
          (estimate.stepsPerForward > 0 ? `time steps: ${estimate.stepsPerForward.toLocaleString("en-US")} per forward run (all shots); ` : "") + `runs: ${estimate.runs}\n`,
      );
      return;
    }
    if (opts.out === undefined) fail("--out: required: the run folder to write (or --dry-run to only estimate)");
    const out = opts.out;
    const port = portOf(opts.port);
    if (opts.port !== undefined && !opts.view) fail("--port: only with --view (or use `gradscape view`)");
    const workers = opts.workers === undefined ? undefined : Number(opts.workers);
    if (workers !== undefined && (!Number.isInteger(workers) || workers < 1)) fail(`--workers: expected a positive integer, got ${JSON.stringify(opts.workers)}`);
    const scene = loadScene(sceneFile);
    const dir = resolve(out);
    if (opts.resume && scene.kind !== "wave-inversion" && scene.kind !== "heat-inversion") fail("--resume: only inversion scenes can be resumed");
    if (existsSync(dir) && readdirSync(dir).length > 0 && !opts.force && !opts.resume) {
      fail(`--out: ${out} already exists and is not empty; choose another folder or pass --force`);
    }
    // Each kind of warning once per run (a check that runs on every model speaks once).
    const warn = oncePerKind((m: string) => process.stderr.write(`gradscape: warning: ${m}\n`));
    if (opts.view) {
      mkdirSync(dir, { recursive: true });
      const url = await viewerThread(dir, port);
      process.stdout.write(`viewer: ${url} (follows the run live)\n`);
    }
    if (scene.kind === "wave-forward") {
      const summary = runWaveForward(scene, dir, terminalProgress(), warn);
      process.stdout.write(
        `wrote ${summary.arrays.length} arrays (${summary.arrays.join(", ")}) and manifest.json to ${summary.dir} in ${summary.seconds.toFixed(1)} s\n` +
          `read them with numpy.load, or with readRun() from gradscape/node\n` + viewHint(out),
      );
    } else if (scene.kind === "molecular-basin-hopping") {
      const s = runBasinHopping(scene, dir, terminalProgress());
      process.stdout.write(
        `best energy ${s.best.toFixed(6)}${scene.knownMinimum === undefined ? "" : ` (known global minimum ${scene.knownMinimum}: ${s.reachedTarget ? "found" : "not found"})`}` +
          ` after ${s.steps} steps, ${s.localMinimizations} local minimizations, ${s.evaluations} gradient evaluations\nrun folder: ${s.dir}\n` + viewHint(out),
      );
    } else if (scene.kind === "molecular-calibration") {
      const s = runCalibration(scene, dir, terminalProgress());
      for (const f of s.fits) {
        process.stdout.write(`${f.kind}: ${f.names.map((n, i) => `${n} = ${f.parameters[i].toPrecision(6)} +- ${f.standardErrors[i].toPrecision(2)}`).join(", ")}; rms residual ${f.rms.toExponential(2)}\n`);
      }
      process.stdout.write(`run folder: ${s.dir}\n` + viewHint(out));
    } else {
      const t0 = performance.now();
      if (workers !== undefined && scene.kind !== "wave-inversion") fail("--workers: only wave inversion scenes run shots on workers");
      const summary = scene.kind === "wave-inversion"
        ? runWaveInversion(scene, dir, terminalProgress(), warn, opts.resume === true, workers)
        : runHeatInversion(scene, dir, terminalProgress(), opts.resume === true);
      process.stdout.write(
        `${summary.message} after ${summary.iterations} iterations (${((performance.now() - t0) / 1000).toFixed(1)} s)\n` +
          (summary.inclusions ?? []).map((c, i) =>
            `inclusion ${i + 1} (centre ${c.center.map((v) => (1000 * v).toFixed(1)).join(", ")} mm, radius ${(1000 * c.radius).toFixed(1)} mm): ` +
              `recovered peak ${(1000 * c.peakDistance).toFixed(1)} mm from its centre; contrast inside/outside ${c.contrast.toFixed(2)} (true ${c.trueContrast.toFixed(2)})\n`).join("") +
          `model error ${(100 * summary.startError).toFixed(1)}% -> ${(100 * summary.finalError).toFixed(1)}%${summary.inclusions ? " (relative L2: diffusion blurs the disc, see the inclusion figures above)" : ""}\n` +
          `run folder: ${summary.dir} (manifest.json + .npy arrays; numpy.load or readRun() from gradscape/node)\n` + viewHint(out),
      );
    }
  });

program
  .command("view")
  .description("serve the viewer for a run folder on 127.0.0.1 and print its address")
  .argument("<dir>", "run folder written by `gradscape run`")
  .option("--port <n>", "port to serve on (default: any free port)")
  .action(async (dir: string, opts: { port?: string }) => {
    if (!existsSync(dir)) fail(`view: ${dir} does not exist`);
    if (!existsSync(resolve(dir, "manifest.json"))) fail(`view: ${dir} is not a run folder (no manifest.json)`);
    const server = await serveRun(dir, { port: portOf(opts.port) });
    process.stdout.write(`viewer: ${server.url} (read-only, ${resolve(dir)}); Ctrl-C to stop\n`);
  });

program
  .command("schema")
  .description("print the JSON Schema of scene files (for editor completion and checking)")
  .action(() => {
    process.stdout.write(JSON.stringify(sceneJsonSchema(), null, 2) + "\n");
  });

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) process.exit(e.exitCode);
  if (e instanceof InputError || e instanceof NonFiniteError || e instanceof IllConditionedError) fail(e.message);
  throw e;
}
