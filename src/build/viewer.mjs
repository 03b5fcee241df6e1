// Bundles the browser viewer (viewer/) into `outdir` with esbuild: main.js,
// main.css (uPlot's stylesheet) and the static page.
import { build } from "esbuild";
import { copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";

export async function buildViewer(outdir) {
  mkdirSync(outdir, { recursive: true });
  await build({
    entryPoints: { main: "viewer/src/main.ts" },
    outdir,
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    sourcemap: true,
    minify: true,
    logLevel: "warning",
  });
  copyFileSync("viewer/index.html", join(outdir, "index.html"));
  copyFileSync("viewer/style.css", join(outdir, "style.css"));
}
