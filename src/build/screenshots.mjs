// Screenshots of the viewer for the README: runs shipped scenes into runs/,
// opens each in Debian's chromium (playwright-core) and writes
// docs/screenshots/<scene>.png. Run with `npm run screenshots` (after a build), or
// `npm run screenshots -- <scene> ...` for some of them.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { serveRun } from "../../dist/node.js";

// [scene, extra CLI arguments]: the 2D section runs its 16 shots on two workers.
const SCENES = [["continuation-fwi"], ["marmousi2d-continuation", "--workers", "2"], ["heat-inclusion"], ["lj38-basin-hopping"], ["dimer-forces-calibration"]];
const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !SCENES.some(([scene]) => scene === w));
if (unknown.length > 0) {
  console.error(`screenshots: no such scene in the list: ${unknown.join(", ")} (known: ${SCENES.map(([s]) => s).join(", ")})`);
  process.exit(1);
}
const executablePath = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => existsSync(p));
if (executablePath === undefined) {
  console.error("screenshots: no chromium (apt-get install chromium)");
  process.exit(1);
}
mkdirSync("docs/screenshots", { recursive: true });
const browser = await chromium.launch({ executablePath, args: ["--use-angle=swiftshader", "--enable-unsafe-swiftshader", "--ignore-gpu-blocklist"] });
for (const [scene, ...extra] of SCENES.filter(([scene]) => wanted.length === 0 || wanted.includes(scene))) {
  const out = join("runs", scene);
  // Always run anew, so the pictures show what this version of the code writes.
  execFileSync(process.execPath, ["dist/cli.js", "run", `scenes/${scene}.json`, "--out", out, "--force", ...extra], { stdio: "inherit" });
  const server = await serveRun(out, { assets: "dist/viewer" });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(server.url);
  await page.waitForFunction(() => window.gradscape?.ready === true || window.gradscape?.error !== null);
  await page.waitForTimeout(300);
  const path = join("docs/screenshots", `${scene}.png`);
  await page.screenshot({ path, fullPage: true });
  console.log(`wrote ${path}`);
  await page.close();
  await server.close();
}
await browser.close();
