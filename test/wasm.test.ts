import { expect, test } from "vitest";
// @ts-expect-error: a plain JavaScript build script without type declarations
import { assemble } from "../src/build/wasm.mjs";
import { KERNEL_WASM_BASE64 } from "../src/wave/kernel-wasm.js";

test("the committed kernel bytes are kernel.wat assembled (run node src/build/wasm.mjs after editing it)", async () => {
  const bytes: Uint8Array = await assemble("src/wave/kernel.wat");
  expect(Buffer.from(bytes).toString("base64")).toBe(KERNEL_WASM_BASE64);
});
