/**
 * The published package as a user gets it: `npm pack` (whose prepack script
 * builds dist/), the tarball's file list, and a fresh scratch project that
 * installs the tarball, type-checks strictly without skipLibCheck — the
 * browser-side file with no Node types at all — compiles and runs the
 * README's tour and a program using gradscape/node, and bundles the
 * installed main entry for the browser.
 *
 * The install prefers npm's cache (`npm ci` leaves every dependency there)
 * and reaches the registry only for what is missing.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { BROWSER_TS, NODE_TS, PACKAGE_JSON, TSCONFIG_BROWSER, TSCONFIG_NODE } from "./helpers/consumer.js";

const repo = process.cwd();
const tsc = join(repo, "node_modules/typescript/bin/tsc");

/** Runs a command; on failure the error carries its output. */
function sh(cmd: string, args: string[], cwd: string): string {
  try {
    return execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 << 20 });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(" ")} failed in ${cwd}:\n${err.stdout ?? ""}\n${err.stderr ?? err.message}`);
  }
}

/** The README block marked `<!-- readme-snippet: NAME`, as test/readme.test.ts finds it. */
function readmeSnippet(name: string): string {
  const readme = readFileSync(join(repo, "README.md"), "utf8");
  const marker = readme.indexOf(`<!-- readme-snippet: ${name}`);
  if (marker < 0) throw new Error(`README.md has no snippet ${name}`);
  return /```ts\n([\s\S]*?)```/.exec(readme.slice(marker))![1];
}

describe("the packed package in a fresh project", () => {
  let tmp: string;
  let files: string[];
  let consumer: string;

  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), "gradscape-package-"));
    const out = sh("npm", ["pack", "--json", "--pack-destination", tmp], repo);
    // Lifecycle output may precede the JSON report; it starts at the line that opens the array.
    const report = JSON.parse(out.slice(out.search(/^\[/m))) as { filename: string; files: { path: string }[] }[];
    files = report[0].files.map((f) => f.path).sort();
    consumer = join(tmp, "consumer");
    mkdirSync(consumer);
    writeFileSync(join(consumer, "package.json"), PACKAGE_JSON);
    const typesNode = (JSON.parse(readFileSync(join(repo, "node_modules/@types/node/package.json"), "utf8")) as { version: string }).version;
    sh("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error", join(tmp, report[0].filename), `@types/node@${typesNode}`], consumer);
    writeFileSync(join(consumer, "tsconfig.json"), TSCONFIG_NODE);
    writeFileSync(join(consumer, "tsconfig.browser.json"), TSCONFIG_BROWSER);
    writeFileSync(join(consumer, "browser.ts"), BROWSER_TS);
    writeFileSync(join(consumer, "node.ts"), NODE_TS);
    writeFileSync(join(consumer, "tour.ts"), readmeSnippet("tour"));
  }, 120_000);

  afterAll(() => {
    if (tmp !== undefined) rmSync(tmp, { recursive: true, force: true });
  });

  test("the tarball holds dist, README.md, LICENSE and package.json, and no sources or tests", () => {
    expect(files).toEqual(expect.arrayContaining(["LICENSE", "README.md", "package.json"]));
    expect(files.filter((f) => !f.startsWith("dist/"))).toEqual(["LICENSE", "README.md", "package.json"]);
    expect(files).toEqual(expect.arrayContaining([
      "dist/index.js", "dist/node.js", "dist/types/index.d.ts", "dist/types/node.d.ts",
      "dist/cli.js", "dist/shot-worker.js", "dist/view-worker.js", "dist/viewer/index.html", "dist/viewer/main.js",
    ]));
    expect(files.filter((f) => /(^|\/)(src|test)\//.test(f) || f.endsWith(".test.ts"))).toEqual([]);
    expect(readFileSync(join(repo, "LICENSE"), "utf8")).toMatch(/^MIT License\n\nCopyright \(c\) 2026 the gradscape authors\n/);
  });

  test("the main entry's types resolve without skipLibCheck and without Node's types", () => {
    sh(process.execPath, [tsc, "-p", "tsconfig.browser.json"], consumer);
  });

  test("the README's tour and a gradscape/node program type-check strictly without skipLibCheck, compile and run", () => {
    sh(process.execPath, [tsc, "-p", "tsconfig.json"], consumer);
    const tour = sh(process.execPath, ["out/tour.js"], consumer);
    const m = /dot test (\S+), Taylor orders (\S+) (\S+)/.exec(tour);
    expect(m, tour).not.toBeNull();
    expect(Number(m![1])).toBeLessThan(1e-12);
    expect(Math.abs(Number(m![2]) - 1)).toBeLessThan(0.1);
    expect(Math.abs(Number(m![3]) - 2)).toBeLessThan(0.1);
    const node = JSON.parse(sh(process.execPath, ["out/node.js"], consumer).trim().split("\n").pop()!);
    expect(node).toEqual({
      sameClass: true,
      roundTrip: [1500, 2000, 2500],
      sceneError: "InputError",
      schema: true,
      pool: { same: true, positive: true },
      viewer: { status: 200, html: true },
    });
  });

  test("the installed main entry bundles for the browser", async () => {
    const { build } = await import("esbuild");
    writeFileSync(join(consumer, "page.js"), `import { WaveSimulator, dotTest } from "gradscape";\nglobalThis.gradscape = { WaveSimulator, dotTest };\n`);
    const out = await build({ absWorkingDir: consumer, entryPoints: ["page.js"], bundle: true, platform: "browser", format: "esm", write: false, logLevel: "silent" });
    expect(out.outputFiles[0].text).toContain("WebAssembly");
  });
});
