#!/usr/bin/env node
/** The `gradscape` command line: runs scenes into run folders. */
import { Command, CommanderError } from "commander";
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { isMainThread, Worker, workerData } from "node:worker_threads";
import { DamagedFileError, IllConditionedError, InputError, IoError, NonFiniteError } from "../core/errors.js";
import { describeParts, formatBytes, memoryLimit, parseBytes, setMemoryLimit, totalBytes } from "../core/memory.js";
import { oncePerKind } from "../core/warn.js";
import { checkSceneMemory, estimateScene } from "../scene/estimate.js";
import { availableParallelism, totalmem } from "node:os";
import { backendInfo } from "../wave/backend.js";
import { readRun } from "../run/folder.js";
import { listFolder, makeDirectory, removeEmptyFolder, removeFile, temporaryPid } from "../run/fs.js";
import { lockFolder, type FolderLock } from "../run/lock.js";
import { loadScene } from "../scene/load.js";
import type { Scene } from "../scene/schema.js";
import { sceneJsonSchema } from "../scene/schema.js";
import { serveRun } from "../view/server.js";
import { terminalProgress } from "./progress.js";
import { runTaskInWorker, type RunTask, type TaskMessage } from "./run-task.js";
import { sceneKind } from "../scene/kinds.js";

/** Exit codes, the same for every command (printed by --help, documented in the README). */
export const EXIT = {
  /** Done. */
  ok: 0,
  /** A run started and failed: a NaN or infinity stopped it, or the file system failed while writing (the manifest says "failed"). */
  failed: 1,
  /** Refused before anything was written: a usage error, a bad scene, an --out that cannot be created or is in use, a damaged run to resume. */
  refused: 2,
  /** Interrupted by Ctrl-C (SIGINT). An inversion can be continued with --resume. */
  interrupted: 130,
  /** Stopped by SIGTERM, otherwise as {@link EXIT.interrupted}. */
  terminated: 143,
} as const;

const EXIT_HELP = `
Exit codes:
  0    done
  1    a run failed after it started (a NaN or infinity, or a file-system error
       while writing: the message names the path and the reason; the manifest
       says "failed")
  2    refused before anything was written (usage, scene, --out unusable or in
       use by another run, a damaged run folder to resume)
  130  interrupted by Ctrl-C (143: SIGTERM); inversions continue with --resume`;

/** One line on stderr and the exit code; never a stack trace for an expected failure. */
function fail(message: string, code: number = EXIT.refused): never {
  process.stderr.write(`gradscape: error: ${message}\n`);
  process.exit(code);
}

/** The exit code of an error, or null for an unexpected one (a bug: its stack trace is printed). */
function exitCodeOf(name: string, wroteManifest: boolean): number | null {
  if (!["InputError", "DamagedFileError", "IllConditionedError", "NonFiniteError", "IoError"].includes(name)) return null;
  // Refused while nothing was written; once the run has committed a manifest, a failed run.
  return wroteManifest ? EXIT.failed : EXIT.refused;
}

/** The manifest's modification time in `dir`, or null: compared before and after a run to tell whether it wrote one. */
function manifestStamp(dir: string): number | null {
  try {
    return statSync(join(dir, "manifest.json")).mtimeMs;
  } catch {
    return null;
  }
}

/** The version in gradscape's package.json (found above this file, whether bundled in dist/ or in a test's cache folder). */
function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: string; version?: string };
      if (pkg.name === "gradscape" && pkg.version !== undefined) return pkg.version;
    } catch {
      // not here
    }
    dir = dirname(dir);
  }
  return "unknown";
}

function portOf(text: string | undefined): number {
  if (text === undefined) return 0;
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) fail(`--port: expected an integer from 0 to 65535, got ${JSON.stringify(text)}`);
  return port;
}

/** Starts the viewer server on a worker thread and returns its address. */
function viewerThread(dir: string, port: number): Promise<string> {
  const worker = new Worker(new URL("./view-worker.js", import.meta.url), { workerData: { dir, options: { port } } });
  worker.unref();
  return new Promise((done, reject) => {
    worker.once("message", (m: { url?: string; error?: string }) => {
      if (m.error !== undefined) return reject(new InputError("--view", m.error));
      worker.ref();
      done(m.url!);
    });
    worker.once("error", (e) => reject(new InputError("--view", `the viewer server did not start: ${e.message}`)));
  });
}

interface RunOptions { out?: string; force?: boolean; resume?: boolean; workers?: string; threads?: string; view?: boolean; port?: string; maxMemory?: string; dryRun?: boolean }

/** `--dry-run`: what the scene will hold and how many time steps it takes, nothing run or written. */
function dryRun(sceneFile: string): void {
  const scene = loadScene(sceneFile);
  const estimate = estimateScene(scene);
  const total = totalBytes(estimate.memory);
  process.stdout.write(
    `${sceneFile}: a valid ${scene.kind} scene\n` +
      `memory: about ${formatBytes(total)} (${describeParts(estimate.memory)}); limit ${formatBytes(memoryLimit())}${total > memoryLimit() ? ": over the limit, it would be refused" : ""}\n` +
      (estimate.stepsPerForward > 0 ? `time steps: ${estimate.stepsPerForward.toLocaleString("en-US")} per forward run (all shots); ` : "") + `runs: ${estimate.runs}\n`,
  );
}

/**
 * `gradscape run`: validates everything it can, creates --out, locks it, and
 * runs the scene on a worker thread. Every way out releases the lock and
 * removes the folders it created if they stayed empty.
 */
async function runCommand(sceneFile: string, opts: RunOptions): Promise<void> {
  if (opts.maxMemory !== undefined) {
    const bytes = parseBytes(opts.maxMemory);
    if (bytes === null) fail(`--max-memory: expected a size such as 8GiB, 500MB or 2e9 (bytes), got ${JSON.stringify(opts.maxMemory)}`);
    setMemoryLimit(bytes);
  } else setMemoryLimit(defaultRunMemory());
  if (opts.dryRun) return dryRun(sceneFile);
  if (opts.out === undefined) fail("--out <dir> is required: the run folder to write (or --dry-run to only estimate)");
  const port = portOf(opts.port);
  if (opts.port !== undefined && !opts.view) fail("--port: only with --view (or use `gradscape view`)");
  const workers = opts.workers === undefined ? undefined : Number(opts.workers);
  if (workers !== undefined && (!Number.isInteger(workers) || workers < 1)) fail(`--workers: expected a positive integer, got ${JSON.stringify(opts.workers)}`);
  const threads = opts.threads === undefined ? undefined : Number(opts.threads);
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 1 || threads > 16)) fail(`--threads: expected an integer from 1 to 16, got ${JSON.stringify(opts.threads)}`);
  const scene = loadScene(sceneFile);
  const kind = sceneKind(scene);
  if (opts.resume && !kind.resumable) fail("--resume: only inversion and sensor-design scenes can be resumed");
  if (workers !== undefined && !kind.shotWorkers) fail("--workers: only wave inversion scenes run shots on workers");
  if (threads !== undefined && kind.shotThreads !== true) fail("--threads: only 2D wave inversion scenes step a shot on several threads");
  const dir = resolve(opts.out);
  // The whole run's memory, estimated before the folder is made (the runner checks again on its thread).
  checkSceneMemory(scene);

  const created = makeDirectory(dir);
  let lock: FolderLock | null = null;
  const exit = (code: number): never => {
    lock?.release();
    lock = null;
    // Folders this run created and left empty (a refusal, an interruption before the first file) are removed.
    for (const d of [...created].reverse()) if (!removeEmptyFolder(d)) break;
    process.exit(code);
  };
  const refuse = (message: string): never => {
    process.stderr.write(`gradscape: error: ${message}\n`);
    return exit(EXIT.refused);
  };
  try {
    lock = lockFolder(dir);
  } catch (e) {
    if (e instanceof InputError || e instanceof IoError) refuse(e.message);
    throw e;
  }
  // From here on every way out goes through exit(): the lock is released, empty folders removed.
  const before = manifestStamp(dir);
  const release = () => {
    lock?.release();
    lock = null;
  };
  try {
    await runLocked(sceneFile, { ...opts, out: opts.out }, scene, dir, port, workers, exit, release);
  } catch (e) {
    const code = e instanceof Error ? exitCodeOf(e.name, manifestStamp(dir) !== before) : null;
    if (code === null) {
      release();
      throw e;
    }
    process.stderr.write(`gradscape: error: ${(e as Error).message}\n`);
    exit(code);
  }
}

/** The part of `gradscape run` that holds the folder's lock; leaves by `exit` (or `release` then serving, with --view). */
async function runLocked(
  sceneFile: string, opts: RunOptions & { out: string }, scene: Scene, dir: string, port: number, workers: number | undefined,
  exit: (code: number) => never, release: () => void,
): Promise<void> {
  const before = manifestStamp(dir);
  const resumable = sceneKind(scene).resumable;
  if (listFolder(dir).some((f) => f !== ".lock") && !opts.force && !opts.resume) {
    throw new InputError("--out", `${opts.out} already exists and is not empty; choose another folder or pass --force`);
  }
  // With --force the old run is removed by the run's writer, once the scene has passed every check.

  const progress = terminalProgress();
  // Each kind of warning once per run (a check that runs on every model speaks once).
  const warn = oncePerKind((m: string) => process.stderr.write(`gradscape: warning: ${m}\n`));
  let worker: Worker | null = null;
  let interrupting = false;
  const interrupt = async (signal: NodeJS.Signals) => {
    if (interrupting) return; // a second Ctrl-C while the first cleans up
    interrupting = true;
    if (worker === null) return exit(EXIT.interrupted); // before the run started, or after a --view run: the viewer stops
    const w = worker;
    worker = null;
    await w.terminate();
    progress.stop();
    // The run's temporary files (its thread shares this pid); the manifest on disk and its files agree whatever the moment.
    for (const f of listFolder(dir)) if (temporaryPid(f) === process.pid) removeFile(join(dir, f));
    let where = `${dir} holds no finished run`;
    try {
      const m = readRun(dir).manifest;
      if (resumable && m.status === "running") {
        where = `the run in ${dir} stopped after iteration ${String(m.iterations)}; continue it with:\n  gradscape run ${sceneFile} --out ${opts.out} --resume`;
      }
    } catch {
      // no manifest yet
    }
    process.stderr.write(`\ngradscape: interrupted (${signal}); ${where}\n`);
    exit(signal === "SIGINT" ? EXIT.interrupted : EXIT.terminated);
  };
  process.on("SIGINT", () => void interrupt("SIGINT"));
  process.on("SIGTERM", () => void interrupt("SIGTERM"));

  if (opts.view) {
    const url = await viewerThread(dir, port);
    process.stdout.write(`viewer: ${url} (follows the run live)\n`);
  }
  const task: RunTask = { scene, dir, out: opts.out, resume: opts.resume === true, workers, threads: opts.threads === undefined ? undefined : Number(opts.threads), maxMemory: memoryLimit() };
  const w = new Worker(new URL(import.meta.url), { workerData: { gradscapeRun: task } });
  worker = w;
  const outcome = await new Promise<TaskMessage & { type: "done" | "error" }>((done) => {
    w.on("message", (m: TaskMessage) => {
      if (m.type === "start") progress.start(m.total, m.label);
      else if (m.type === "update") progress.update(m.done, m.status);
      else if (m.type === "stop") progress.stop();
      else if (m.type === "warn") warn(m.message);
      else done(m);
    });
    w.on("error", (e) => done({ type: "error", name: e.name, message: e.message, stack: e.stack }));
    w.on("exit", (code) => done({ type: "error", name: "Error", message: `the run stopped unexpectedly (exit code ${code})` }));
  });
  if (worker === null) return; // interrupted: interrupt() exits
  worker = null;
  await w.terminate();
  if (outcome.type === "error") {
    // A failure before the run's first manifest wrote nothing: a refusal (an input error found by the
    // runner, say); after it, a failed run.
    const code = exitCodeOf(outcome.name, manifestStamp(dir) !== before);
    process.stderr.write(code === null ? `gradscape: internal error: ${outcome.stack ?? outcome.message}\n` : `gradscape: error: ${outcome.message}\n`);
    return exit(code ?? EXIT.failed);
  }
  process.stdout.write(outcome.text);
  release();
  if (!opts.view) process.exit(EXIT.ok);
}

/** The memory limit of runs without --max-memory: half of this machine's memory. */
const defaultRunMemory = () => totalmem() / 2;

/** What `gradscape info` prints: one line per fact, the backend's with its reason. */
export function infoText(): string {
  let backend: string;
  try {
    const b = backendInfo();
    backend = b.backend === "native" ? `native: ${b.reason}; ${b.path}` : `WebAssembly: ${b.reason}`;
  } catch (e) {
    backend = `none, runs would fail: ${(e as Error).message}`;
  }
  return `gradscape ${packageVersion()} (Node ${process.versions.node}, ${process.platform} ${process.arch})\n` +
    `wave kernels: ${backend}\n` +
    `precision: float64 (default) and float32 (a scene's "precision", WaveConfig.precision), both on either backend\n` +
    `threads: ${availableParallelism()} (run --workers <n> evaluates shots on n threads; --threads <n> steps each 2D shot on n)\n` +
    `memory limit of runs: ${formatBytes(defaultRunMemory())} (half of this machine's ${formatBytes(totalmem())}; run --max-memory changes it)\n`;
}

async function main(): Promise<void> {
  const program = new Command()
    .name("gradscape")
    .description("Differentiable physics simulators with exact adjoint gradients: run scenes into run folders.")
    .version(packageVersion(), "-V, --version", "print the version")
    .showHelpAfterError("(add --help for usage)")
    .showSuggestionAfterError()
    .configureOutput({ outputError: (text, write) => write(`gradscape: ${text}`) })
    .addHelpText("after", EXIT_HELP)
    .exitOverride();

  program
    .command("run")
    .description("run a scene file and write its results (manifest.json + .npy arrays) to a run folder")
    .argument("<scene>", "scene file (JSON, // and /* */ comments allowed); `gradscape schema` prints its JSON Schema")
    .option("-o, --out <dir>", "run folder to write (required unless --dry-run)")
    .option("-f, --force", "replace the run a folder already holds")
    .option("--resume", "continue an interrupted inversion in --out from its last completed iteration (same bytes as an uninterrupted run)")
    .option("-w, --workers <n>", "inversion scenes: evaluate shots on n worker threads (any n gives the same bytes)")
    .option("--threads <n>", "2D wave inversion scenes: step each shot on n threads, the grid's rows split among them (native backend; any n gives the same bytes)")
    .option("--view", "serve the viewer beside the run (on 127.0.0.1) and follow it live; keeps serving after the run until Ctrl-C")
    .option("--port <n>", "with --view: the port to serve on (default: any free port)")
    .option("--max-memory <size>", "refuse scenes estimated to need more memory than this (e.g. 8GiB, 500MB; default: half of this machine's memory)")
    .option("--dry-run", "validate the scene and print its estimated memory and time steps, without running or writing anything")
    .addHelpText("after", EXIT_HELP)
    .action(runCommand);

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
    .command("info")
    .description("print the version, the wave kernels' backend (native or WebAssembly) and why, precisions, threads and the memory limit")
    .action(() => {
      process.stdout.write(infoText());
    });

  program
    .command("schema")
    .description("print the JSON Schema of scene files (for editor completion and checking; shipped as scenes/scene.schema.json)")
    .action(() => {
      process.stdout.write(JSON.stringify(sceneJsonSchema(), null, 2) + "\n");
    });

  try {
    await program.parseAsync(process.argv);
  } catch (e) {
    // Help and --version exit 0; every usage error (unknown option or command, missing argument) exits 2.
    if (e instanceof CommanderError) process.exit(e.exitCode === 0 ? EXIT.ok : EXIT.refused);
    if (e instanceof InputError || e instanceof DamagedFileError || e instanceof IoError || e instanceof NonFiniteError || e instanceof IllConditionedError) {
      fail(e.message, exitCodeOf(e.name, false) ?? EXIT.failed);
    }
    throw e;
  }
}

const task = (workerData as { gradscapeRun?: RunTask } | null)?.gradscapeRun;
if (!isMainThread && task !== undefined) runTaskInWorker(task);
else await main();
