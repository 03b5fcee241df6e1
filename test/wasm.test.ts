/**
 * The committed WebAssembly kernels (kernel-wasm.ts) are kernel.c compiled by src/build/wasm.mjs:
 * rebuilt and compared byte for byte where clang and wasm-ld are installed (CI installs them).
 */
import { expect, test } from "vitest";
// @ts-expect-error: a plain JavaScript build script without type declarations
import { compile, moduleSource, toolchain } from "../src/build/wasm.mjs";
import { readFileSync } from "node:fs";

const tools = toolchain();
if (tools === null && !process.env.CI) console.warn("kernel rebuild test skipped: clang and wasm-ld are not installed");

test.runIf(tools !== null || process.env.CI)("the committed kernel bytes are kernel.c compiled (run node src/build/wasm.mjs after editing it)", async () => {
  const bytes: Uint8Array = await compile(tools);
  expect(moduleSource(bytes) === readFileSync("src/wave/kernel-wasm.ts", "utf8")).toBe(true);
});
