/**
 * `gradscape run` against the file system and other runs: I/O failures end
 * with one line naming the path and the reason and a documented exit code
 * (never a hang or a stack trace), a folder is locked by the run writing it,
 * Ctrl-C says how to resume, and a run SIGKILLed at any moment leaves a
 * manifest that agrees with every file it names.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { decodeNpy } from "../src/run/npy.js";
import { bundle } from "./helpers/bundle.js";

let cli = "";
beforeAll(async () => {
  cli = (await bundle("cli-run")).cli;
});
const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", timeout: 60_000 });
const temp = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));
const noStack = (stderr: string) => expect(stderr).not.toMatch(/\n\s+at /);

/** Waits until the run in `out` has committed at least `atLeast` iterations. */
async function untilIteration(out: string, atLeast: number): Promise<void> {
  for (let waited = 0; waited < 60_000; waited += 20) {
    await new Promise((r) => setTimeout(r, 20));
    try {
      if ((JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")).iterations ?? 0) >= atLeast) return;
    } catch {
      // not written yet
    }
  }
  throw new Error(`no iteration ${atLeast} in ${out} after a minute`);
}

describe("file-system failures", () => {
  test("--out under a regular file: one line naming the file (ENOTDIR), exit 2, nothing created", () => {
    const dir = temp("enotdir-");
    writeFileSync(join(dir, "file"), "x");
    const r = run("run", "scenes/morse-cluster.json", "--out", join(dir, "file", "out"));
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`gradscape: error: ${join(dir, "file")}: not a directory (ENOTDIR); it is a file, so ${join(dir, "file", "out")} cannot be created under it\n`);
  });

  test.skipIf(!existsSync("/proc/self"))("--out /proc/x returns at once with the reason (a recursive mkdir loops there forever)", () => {
    const t0 = Date.now();
    const r = run("run", "scenes/morse-cluster.json", "--out", "/proc/x/run");
    expect(Date.now() - t0).toBeLessThan(20_000);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^gradscape: error: \/proc\/x: .* \(E[A-Z]+\)\n$/);
  });

  test.skipIf(!existsSync("/sys/kernel"))("--out on /sys (read-only even for root): one line with the OS's reason", () => {
    const r = run("run", "scenes/morse-cluster.json", "--out", "/sys/gradscape-run");
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^gradscape: error: \/sys\/gradscape-run: .* \((EROFS|EPERM|EACCES)\)\n$/);
  });

  // A real full disk: a 1 MB tmpfs (where mounting is permitted, e.g. as root; skipped elsewhere).
  const canMount = (() => {
    if (process.platform !== "linux") return false;
    const probe = temp("tmpfs-probe-");
    const ok = spawnSync("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", probe]).status === 0;
    if (ok) spawnSync("umount", [probe]);
    return ok;
  })();
  test.skipIf(!canMount)("a full disk mid-run (ENOSPC): one line, exit 1, the manifest marked failed and agreeing with its files, no temporary files", () => {
    const mountPoint = temp("tmpfs-");
    expect(spawnSync("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", mountPoint]).status).toBe(0);
    try {
      const out = join(mountPoint, "run");
      const r = run("run", "scenes/heat-flux.json", "--out", out);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`\\ngradscape: error: ${out}/[\\w.]+: no space left on device \\(ENOSPC\\)\\n$`));
      noStack(r.stderr);
      const files = readdirSync(out);
      expect(files.filter((f) => f.includes(".tmp-") || f === ".lock")).toEqual([]);
      const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8"));
      expect(manifest.status).toBe("failed");
      expect(manifest.error).toMatch(/ENOSPC/);
      for (const a of manifest.arrays) expect(decodeNpy(readFileSync(join(out, a.file))).shape, a.file).toEqual(a.shape);
    } finally {
      spawnSync("umount", [mountPoint]);
    }
  });
});

describe("the folder lock", () => {
  test("a second run into a folder in use is refused (also with --force); Ctrl-C prints how to resume and releases the lock; --resume then finishes", async () => {
    const out = join(temp("lock-"), "run");
    const first = spawn(process.execPath, [cli, "run", "scenes/continuation-fwi.json", "--out", out], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    first.stderr.on("data", (d) => (stderr += d));
    await untilIteration(out, 3);
    const lock = JSON.parse(readFileSync(join(out, ".lock"), "utf8"));
    expect(lock.pid).toBe(first.pid);
    for (const extra of [[], ["--force"], ["--resume"]]) {
      const r = run("run", "scenes/continuation-fwi.json", "--out", out, ...extra);
      expect(r.status, extra.join(" ")).toBe(2);
      expect(r.stderr).toBe(`gradscape: error: --out: ${out} is in use by another run (process ${first.pid}, since ${lock.started}; lock ${join(out, ".lock")}); wait for it to end or choose another folder\n`);
    }
    first.kill("SIGINT");
    const code = await new Promise((r) => first.once("exit", (c) => r(c)));
    expect(code).toBe(130);
    expect(stderr).toMatch(new RegExp(`gradscape: interrupted \\(SIGINT\\); the run in ${out} stopped after iteration \\d+; continue it with:\\n  gradscape run scenes/continuation-fwi.json --out ${out} --resume\\n$`));
    expect(readdirSync(out).filter((f) => f === ".lock" || f.includes(".tmp-"))).toEqual([]);
    const resumed = run("run", "scenes/continuation-fwi.json", "--out", out, "--resume");
    expect(resumed.status, resumed.stderr).toBe(0);
  });

  test("the lock of a process that died is recognized as stale and taken over", () => {
    const out = temp("stale-");
    const dead = spawnSync(process.execPath, ["-e", "process.pid"]).pid!;
    writeFileSync(join(out, ".lock"), JSON.stringify({ pid: dead, host: hostName(), started: "earlier" }));
    const r = run("run", "scenes/morse-cluster.json", "--out", out);
    expect(r.status, r.stderr).toBe(0);
    expect(existsSync(join(out, ".lock"))).toBe(false);
  });

  test("a refusal before anything is written removes the folder it created", () => {
    const root = temp("refused-");
    const r = run("run", "scenes/continuation-fwi.json", "--out", join(root, "a", "b"), "--resume");
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--resume: .* holds no resumable run/);
    expect(readdirSync(root)).toEqual([]);
  });
});

function hostName(): string {
  return hostname();
}

describe("SIGKILL at random moments", () => {
  test("whatever a kill leaves, every array the manifest names has exactly the shape it says, and --resume continues", async () => {
    // A small wave inversion (4 bands of 15 iterations, about 15 ms each): kills land anywhere in the write sequence.
    const root = temp("kills-");
    const scene = JSON.parse(readFileSync("scenes/continuation-fwi.json", "utf8"));
    const file = join(root, "scene.json");
    writeFileSync(file, JSON.stringify({ ...scene, optimizer: { ...scene.optimizer, iterations: 15 } }));
    const out = join(root, "run");
    let kills = 0, checked = 0;
    const deadline = Date.now() + 25_000;
    // Deterministic "random" delays (a fixed LCG), so a failure can be reproduced.
    let seed = 12345;
    const next = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let round = 0; round < 40 && Date.now() < deadline; round++) {
      const manifestPath = join(out, "manifest.json");
      const read = () => (existsSync(manifestPath) ? readFileSync(manifestPath, "utf8") : "");
      const before = read();
      const child = spawn(process.execPath, [cli, "run", file, "--out", out, ...(before !== "" ? ["--resume"] : [])], { stdio: "ignore" });
      let done = false;
      const exited = new Promise<void>((r) => child.once("exit", () => ((done = true), r())));
      // Once this run has committed an iteration, kill it 0-60 ms later: anywhere in an iteration's writes.
      while (!done && read() === before) await new Promise((r) => setTimeout(r, 5));
      await new Promise((r) => setTimeout(r, 60 * next()));
      if (done) break; // finished
      child.kill("SIGKILL");
      await exited;
      kills++;
      const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8"));
      for (const a of manifest.arrays) {
        expect(decodeNpy(readFileSync(join(out, a.file))).shape, `after kill ${kills}: ${a.file}`).toEqual(a.shape);
      }
      const models = manifest.arrays.find((a: { name: string }) => a.name === "models");
      if (models !== undefined && manifest.status === "running") expect(models.shape[0]).toBe(manifest.iterations + 1);
      checked++;
    }
    expect(kills).toBeGreaterThan(5);
    expect(checked).toBeGreaterThan(3);
    const last = run("run", file, "--out", out, "--resume");
    if (last.status !== 0) expect(last.stderr).toMatch(/finished, not running/);
    mkdirSync(join(root, "whole"));
    expect(run("run", file, "--out", join(root, "whole"), "--force").status).toBe(0);
    for (const f of readdirSync(join(root, "whole"))) {
      expect(readFileSync(join(out, f)).equals(readFileSync(join(root, "whole", f))), f).toBe(true);
    }
  }, 120_000);
});
