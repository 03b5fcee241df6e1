/**
 * The committed WebAssembly kernels (kernel-wasm.ts) are kernel.c compiled by src/build/wasm.mjs:
 * rebuilt and compared byte for byte where clang and wasm-ld are installed (CI installs Debian's)
 * and clang is the version that compiled them (another version may emit other, equally valid
 * bytes: then the test says so and skips).
 */
import { readFileSync } from "node:fs";
import { expect, test } from "vitest";
// @ts-expect-error: a plain JavaScript build script without type declarations
import { compile, moduleSource, recordedVersion, toolchain } from "../src/build/wasm.mjs";

const committed = readFileSync("src/wave/kernel-wasm.ts", "utf8");
const recorded: string | null = recordedVersion(committed);
const tools = toolchain();
const why = tools === null ? "clang and wasm-ld are not installed" : tools.version !== recorded ? `clang here is "${tools.version}", the bytes were compiled by "${recorded}"` : null;
if (why !== null) console.warn(`kernel rebuild test skipped: ${why}`);

test("the committed module records the compiler that made it", () => {
  expect(recorded).toMatch(/clang version \d+/);
});

test.runIf(why === null)("the committed kernel bytes are kernel.c compiled (run node src/build/wasm.mjs after editing it)", async () => {
  const bytes: Uint8Array = await compile(tools);
  expect(moduleSource(bytes, tools.version) === committed).toBe(true);
});
