/**
 * The main entry point in a browser: a script that imports the wave simulator
 * and the dot test from "gradscape" (src/index.ts) bundles with esbuild for
 * the browser platform — dependencies included, so a Node built-in reachable
 * from the entry fails the build — and the bundle runs a dot test of the wave
 * simulator (WebAssembly kernels and all) inside Debian's chromium, its
 * warnings going to the console.
 * Skipped, with a message, where chromium is missing; .ci/run installs it.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { chromiumPath, launch } from "./helpers/browser.js";

const chromium = chromiumPath();
if (chromium === null) console.warn("browser bundle test skipped: no chromium on this machine (apt-get install chromium; .ci/run does)");

/** The page's script: a small heterogeneous model, PML at both ends, two shots of three off-grid receivers. */
const SCRIPT = `
import { WaveSimulator, dotTest, field, ricker } from "gradscape";

const nx = 120, dx = 10, dt = 1e-3, nt = 400;
try {
const sim = new WaveSimulator({
  nx, dx, dt, nt, order: 8,
  pml: { width: 20, velocity: 3000 },
  shots: [
    { source: 203.7, wavelet: ricker(15, nt, dt), receivers: [101.3, 555.5, 1004.9] },
    { source: 955.0, wavelet: ricker(12, nt, dt), receivers: [33.3, 480.0, 901.7] },
  ],
});
const c = new Float64Array(nx).map((_, i) => 2000 + 600 * Math.tanh((i - 60) / 8) + 200 * Math.sin(i / 7));
const r = dotTest(sim, field(c, [nx]), { seed: 5 });
globalThis.result = { relativeError: r.relativeError, forward: r.forward, adjoint: r.adjoint, shape: sim.forward(field(c, [nx])).shape };
} catch (e) {
  globalThis.result = { error: String(e) };
}
`;

/** Bundles SCRIPT for the browser, "gradscape" resolved to the source entry point. */
async function bundleScript(): Promise<string> {
  const { build } = await import("esbuild");
  const dir = join(process.cwd(), "node_modules/.cache/gradscape-test/browser-bundle");
  mkdirSync(dir, { recursive: true });
  const entry = join(dir, "page.js");
  writeFileSync(entry, SCRIPT);
  const out = await build({
    entryPoints: [entry],
    bundle: true,
    platform: "browser",
    format: "esm",
    target: "es2022",
    alias: { gradscape: join(process.cwd(), "src/index.ts") },
    write: false,
    logLevel: "silent",
  });
  return out.outputFiles[0].text;
}

test("a script importing from gradscape bundles for the browser, with no Node built-in in it", async () => {
  const code = await bundleScript();
  expect(code).toContain("WebAssembly");
  expect(code).not.toMatch(/\bfrom\s*"node:|require\("node:/);
});

describe.skipIf(chromium === null)("the wave simulator in chromium", () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launch();
  });

  afterAll(async () => {
    await browser?.close();
  });

  test("a dot test of the wave simulator, run from the browser bundle, holds to round-off", async () => {
    const code = await bundleScript();
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    const warnings: string[] = [];
    page.on("console", (m) => void (m.type() === "warning" && warnings.push(m.text())));
    await page.setContent("<!doctype html><title>gradscape</title>");
    await page.addScriptTag({ type: "module", content: code });
    await page.waitForFunction(() => (globalThis as any).result !== undefined, null, { timeout: 60_000 });
    const result = await page.evaluate(() => (globalThis as any).result);
    expect(result.error).toBeUndefined();
    expect(errors).toEqual([]);
    expect(result.shape).toEqual([2, 3, 400]);
    expect(Math.abs(result.forward)).toBeGreaterThan(0);
    expect(result.relativeError).toBeLessThan(1e-12);
    // dx = 10 m is coarse for 15 Hz: the dispersion warning reaches the console (there is no process.emitWarning here).
    expect(warnings.length).toBeGreaterThan(0);
    expect(warnings[0]).toMatch(/^GradscapeWarning: dispersion/);
  });
});
