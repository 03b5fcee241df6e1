/** The viewer's loading of arrays (viewer/src/run.ts) names a damaged file and what is wrong with it. */
import { afterEach, expect, test, vi } from "vitest";
import { encodeNpy } from "../src/run/npy.js";
import type { ArrayEntry } from "../src/run/manifest.js";

// Imported by a computed path: the viewer is type-checked by its own tsconfig (DOM types), not this one.
const viewerRun = "../viewer/src/run.js";
interface ViewerRun {
  load(name: string): Promise<{ shape: number[] }>;
}
const { Run } = (await import(viewerRun)) as { Run: new (m: unknown) => ViewerRun };

afterEach(() => {
  vi.unstubAllGlobals();
});

test("a truncated array, a non-.npy file and a shape that disagrees with the manifest are each named", async () => {
  const good = encodeNpy(new Float64Array(12), [3, 4]);
  const files: Record<string, Uint8Array> = {
    "a.npy": good.subarray(0, good.length - 16),
    "b.npy": new TextEncoder().encode("<html>not found</html>"),
    "c.npy": encodeNpy(new Float64Array(6), [6]),
    "d.npy": good,
  };
  vi.stubGlobal("fetch", async (url: string) => {
    const bytes = files[decodeURIComponent(url.replace(/^run\//, ""))];
    return new Response(bytes === undefined ? null : bytes.slice().buffer, { status: bytes === undefined ? 404 : 200 });
  });
  const entry = (name: string, shape: number[]): ArrayEntry => ({ name, file: `${name}.npy`, dtype: "<f8", shape, units: "", axes: shape.map(() => ({ name: "i" })) });
  const run = new Run({ format: "gradscape-run", version: 1, kind: "test", scene: {}, arrays: [entry("a", [3, 4]), entry("b", [3, 4]), entry("c", [5]), entry("d", [3, 4])] });
  await expect(run.load("a")).rejects.toThrow(/^a\.npy: truncated: the header promises shape \(3, 4\) = 12 values \(96 bytes of data\) but the file holds 80 bytes of data/);
  await expect(run.load("b")).rejects.toThrow(/^b\.npy: not a \.npy file/);
  await expect(run.load("c")).rejects.toThrow(/^c\.npy: holds shape \[6\] but the manifest says \[5\]/);
  expect((await run.load("d")).shape).toEqual([3, 4]);
});
