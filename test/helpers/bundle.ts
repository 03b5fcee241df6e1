/**
 * Bundles what a test needs to run the CLI as a child process — the CLI, the
 * shot worker and the viewer's server thread beside it, and optionally the
 * browser viewer — with esbuild, into node_modules/.cache (next to
 * node_modules, so package imports resolve). Each test file passes its own
 * folder name, so files running in parallel never race on the same files.
 */
import { join } from "node:path";

export interface Bundle {
  dir: string;
  cli: string;
  shotWorker: string;
  viewer: string;
}

const cache = new Map<string, Promise<Bundle>>();

export function bundle(name: string, options: { viewer?: boolean } = {}): Promise<Bundle> {
  const key = `${name}:${options.viewer === true}`;
  let hit = cache.get(key);
  if (hit === undefined) {
    hit = (async () => {
      const { build } = await import("esbuild");
      const dir = join(process.cwd(), "node_modules/.cache/gradscape-test", name);
      const common = { bundle: true, platform: "node" as const, format: "esm" as const, packages: "external" as const, logLevel: "error" as const, outdir: dir };
      await build({ ...common, entryPoints: { cli: "src/cli/main.ts", "shot-worker": "src/parallel/shot-worker.ts", "view-worker": "src/view/worker.ts" } });
      const viewer = join(dir, "viewer");
      if (options.viewer === true) {
        // @ts-expect-error: a plain-JavaScript build script without type declarations
        const { buildViewer } = await import("../../src/build/viewer.mjs");
        await buildViewer(viewer);
      }
      return { dir, cli: join(dir, "cli.js"), shotWorker: join(dir, "shot-worker.js"), viewer };
    })();
    cache.set(key, hit);
  }
  return hit;
}
