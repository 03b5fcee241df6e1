/**
 * The published package as a user gets it: `npm pack` (whose prepack script
 * builds dist/), the tarball's file list, and a fresh scratch project that
 * installs the tarball, type-checks strictly without skipLibCheck — the
 * browser-side file with no Node types at all — compiles and runs the
 * README's tour and a program using gradscape/node, and bundles the
 * installed main entry for the browser. The install-time build of the native
 * kernels runs from the tarball's own files: on a PATH without a C compiler it
 * prints one line and exits 0 (WebAssembly serves); with the machine's
 * compiler (`npm rebuild gradscape`) a program in the consumer runs on it.
 *
 * The install prefers npm's cache (`npm ci` leaves every dependency there)
 * and reaches the registry only for what is missing.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { nativeAvailability } from "../src/wave/backend.js";
import { BACKEND_JS, BROWSER_TS, NODE_TS, PACKAGE_JSON, TSCONFIG_BROWSER, TSCONFIG_NODE } from "./helpers/consumer.js";

const repo = process.cwd();
const tsc = join(repo, "node_modules/typescript/bin/tsc");

/** The files besides dist/ that the install-time native build needs (package.json's "files"). */
const NATIVE_SOURCES = ["binding.gyp", "src/build/native.mjs", "src/wave/kernel-napi.c", "src/wave/kernel-napi2d.h", "src/wave/napi-args.h", "src/wave/kernel.c", "src/wave/kernel.h", "src/wave/kernel-real.h", "src/wave/kernel2d-real.h", "src/wave/team.h"];

/** Runs a command; on failure the error carries its output. */
function sh(cmd: string, args: string[], cwd: string, env?: NodeJS.ProcessEnv): string {
  try {
    return execFileSync(cmd, args, { cwd, env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 << 20 });
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

  test("the tarball holds dist, README.md, LICENSE, package.json and the native build's sources, and no other sources or tests", () => {
    expect(files).toEqual(expect.arrayContaining(["LICENSE", "README.md", "package.json"]));
    expect(files.filter((f) => !f.startsWith("dist/"))).toEqual(["LICENSE", "README.md", "package.json", ...NATIVE_SOURCES].sort());
    expect(files).toEqual(expect.arrayContaining([
      "dist/index.js", "dist/node.js", "dist/types/index.d.ts", "dist/types/node.d.ts",
      "dist/cli.js", "dist/shot-worker.js", "dist/view-worker.js", "dist/viewer/index.html", "dist/viewer/main.js",
    ]));
    expect(files.filter((f) => (/(^|\/)(src|test)\//.test(f) && !NATIVE_SOURCES.includes(f)) || f.endsWith(".test.ts"))).toEqual([]);
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

  test("the install build never fails: without a C compiler it says so in one line and WebAssembly serves; with one, the package runs natively", () => {
    const pkg = join(consumer, "node_modules/gradscape");
    const built = join(pkg, "build/Release/gradscape.node");
    writeFileSync(join(consumer, "backend.mjs"), BACKEND_JS);
    const env = { ...process.env };
    delete env.GRADSCAPE_BACKEND; // the default choice is under test
    // A PATH holding only node, npm, sh and python3: no cc, gcc, clang or make.
    const bare = join(tmp, "bare-bin");
    mkdirSync(bare);
    for (const tool of ["node", "npm", "sh", "python3"]) {
      const found = spawnSync("sh", ["-c", `command -v ${tool}`], { encoding: "utf8" }).stdout.trim();
      if (found !== "") symlinkSync(found, join(bare, tool));
    }
    const noCompiler = sh(process.execPath, [join(pkg, "src/build/native.mjs")], pkg, { ...env, PATH: bare, CC: "" });
    expect(noCompiler).toBe("gradscape: no C compiler found (cc, gcc or clang); the WebAssembly kernels will serve\n");
    expect(sh(process.execPath, [join(pkg, "src/build/native.mjs")], pkg, { ...env, CC: "/nonexistent/cc" }))
      .toBe("gradscape: no C compiler found (CC=/nonexistent/cc is not an executable); the WebAssembly kernels will serve\n");
    expect(existsSync(built)).toBe(false);
    const onWasm = JSON.parse(sh(process.execPath, ["backend.mjs"], consumer, env).trim());
    expect(onWasm.backend).toBe("wasm");
    expect(onWasm.dotTest).toBeLessThan(1e-12);
    if (!nativeAvailability().available) return; // no compiler here either: nothing more to build
    const rebuilt = sh("npm", ["rebuild", "gradscape", "--foreground-scripts", "--no-audit", "--no-fund"], consumer, env);
    expect(rebuilt).toMatch(/gradscape: native kernels built \(\w+\): .*gradscape\.node/);
    expect(existsSync(built)).toBe(true);
    const onNative = JSON.parse(sh(process.execPath, ["backend.mjs"], consumer, env).trim());
    expect(onNative).toMatchObject({ backend: "native", path: built });
    expect(onNative.dotTest).toBeLessThan(1e-12);
    const forced = JSON.parse(sh(process.execPath, ["backend.mjs"], consumer, { ...env, GRADSCAPE_BACKEND: "wasm" }).trim());
    expect(forced.backend).toBe("wasm");
  }, 120_000);
});
