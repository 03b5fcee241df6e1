// Viewer responsiveness in headless chromium (npm run bench:viewer; needs Debian's chromium and
// the run folders runs/heat-flux, runs/continuation-fwi and runs/lj38-basin-hopping, which it
// makes when missing). Prints JSON lines: per-panel update times while stepping through every
// iteration, and frames drawn per second while orbiting the 3D cluster.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { serveRun } from "../../dist/node.js";

const executablePath = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => existsSync(p));
if (executablePath === undefined) {
  console.error("bench:viewer: no chromium (apt-get install chromium)");
  process.exit(1);
}
const folder = (scene) => {
  const dir = join("runs", scene);
  if (!existsSync(join(dir, "manifest.json"))) execFileSync(process.execPath, ["dist/cli.js", "run", `scenes/${scene}.json`, "--out", dir, "--force"], { stdio: "ignore" });
  return dir;
};
const browser = await chromium.launch({ executablePath, args: ["--use-angle=swiftshader", "--enable-unsafe-swiftshader", "--ignore-gpu-blocklist"] });
const open = async (dir) => {
  const server = await serveRun(dir, { assets: "dist/viewer" });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(server.url);
  await page.waitForFunction(() => window.gradscape?.ready === true);
  await page.waitForTimeout(1000); // background prefetches settle
  return { page, server };
};
const quantile = (v, q) => v.slice().sort((a, b) => a - b)[Math.min(v.length - 1, Math.floor(q * v.length))];

for (const scene of ["heat-flux", "continuation-fwi"]) {
  const { page, server } = await open(folder(scene));
  await page.evaluate(async () => {
    const slider = document.querySelector("#timeline input[type=range]");
    window.gradscape.timings = {};
    for (let f = 0; f < window.gradscape.frames; f++) {
      const before = window.gradscape.updates;
      slider.value = String(f);
      slider.dispatchEvent(new Event("input"));
      while (window.gradscape.updates === before) await new Promise((r) => setTimeout(r, 0));
    }
  });
  const timings = await page.evaluate(() => window.gradscape.timings);
  for (const [panel, ms] of Object.entries(timings)) {
    console.log(JSON.stringify({ bench: "viewer-scrub", scene, panel, frames: ms.length, median_ms: +quantile(ms, 0.5).toFixed(1), p95_ms: +quantile(ms, 0.95).toFixed(1) }));
  }
  await page.close();
  await server.close();
}

{
  const { page, server } = await open(folder("lj38-basin-hopping"));
  const box = await page.locator(".molecule-view canvas").boundingBox();
  await page.mouse.move(box.x + 100, box.y + 100);
  await page.mouse.down();
  const r0 = await page.evaluate(() => window.gradscape.renders), t0 = performance.now();
  for (let i = 0; i < 200; i++) await page.mouse.move(box.x + 100 + (i % 100) * 2, box.y + 100 + (i % 50));
  const r1 = await page.evaluate(() => window.gradscape.renders), seconds = (performance.now() - t0) / 1000;
  await page.mouse.up();
  const renderer = await page.evaluate(() => {
    const gl = document.createElement("canvas").getContext("webgl2");
    const info = gl.getExtension("WEBGL_debug_renderer_info");
    return info === null ? "unknown" : gl.getParameter(info.UNMASKED_RENDERER_WEBGL);
  });
  console.log(JSON.stringify({ bench: "viewer-orbit", scene: "lj38-basin-hopping", frames_per_s: +((r1 - r0) / seconds).toFixed(1), renderer }));
  await page.close();
  await server.close();
}
await browser.close();
