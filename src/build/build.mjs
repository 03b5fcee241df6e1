// Builds the library bundle, the CLI, the benchmark and the browser viewer with esbuild,
// then the type declarations with tsc.
import { build } from "esbuild";
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { buildViewer } from "./viewer.mjs";

rmSync("dist", { recursive: true, force: true });
const common = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: true,
  packages: "external",
  logLevel: "warning",
};
await build({ ...common, entryPoints: { index: "src/index.ts", cli: "src/cli/main.ts", bench: "src/bench/main.ts", "shot-worker": "src/parallel/shot-worker.ts", "view-worker": "src/view/worker.ts" }, outdir: "dist" });
await buildViewer("dist/viewer");
execFileSync(
  process.execPath,
  ["node_modules/typescript/bin/tsc", "--emitDeclarationOnly", "--declaration", "--rootDir", "src", "--outDir", "dist/types", "--project", "tsconfig.build.json"],
  { stdio: "inherit" },
);
