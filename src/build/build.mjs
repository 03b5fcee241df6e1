// Builds the library's two entry points, the CLI, the benchmark, the worker
// scripts and the browser viewer with esbuild, then the type declarations with tsc.
import { build } from "esbuild";
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { buildViewer } from "./viewer.mjs";

rmSync("dist", { recursive: true, force: true });
const common = {
  bundle: true,
  format: "esm",
  sourcemap: true,
  packages: "external",
  logLevel: "warning",
};
// The library. "gradscape" (dist/index.js) must bundle for browsers: this check
// bundles it, its dependencies included, for the browser platform, where a Node
// built-in reachable from it is an error. "gradscape/node" (dist/node.js)
// re-exports it; code splitting puts the modules both entries reach in a shared
// chunk, so the two share one copy of every class (instanceof works across them).
await build({ ...common, packages: undefined, platform: "browser", target: "es2022", entryPoints: ["src/index.ts"], outdir: "dist", write: false });
await build({ ...common, platform: "neutral", target: "es2022", splitting: true, entryPoints: { index: "src/index.ts", node: "src/node.ts" }, outdir: "dist" });
// The programs: each bundles its own copy of what it needs.
await build({ ...common, platform: "node", target: "node20", entryPoints: { cli: "src/cli/main.ts", bench: "src/bench/main.ts", "shot-worker": "src/parallel/shot-worker.ts", "view-worker": "src/view/worker.ts" }, outdir: "dist" });
await buildViewer("dist/viewer");
execFileSync(
  process.execPath,
  ["node_modules/typescript/bin/tsc", "--emitDeclarationOnly", "--declaration", "--rootDir", "src", "--outDir", "dist/types", "--project", "tsconfig.build.json"],
  { stdio: "inherit" },
);
