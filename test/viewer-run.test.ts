/** The viewer's loading of arrays (viewer/src/run.ts) names a damaged file and what is wrong with it; its reading of 2D geometry (geometry.ts). */
import { afterEach, expect, test, vi } from "vitest";
import { encodeNpy } from "../src/run/npy.js";
import type { ArrayEntry } from "../src/run/manifest.js";

// Imported by a computed path: the viewer is type-checked by its own tsconfig (DOM types), not this one.
const viewerRun = "../viewer/src/run.js";
interface ViewerRun {
  load(name: string): Promise<{ shape: number[] }>;
}
const { Run } = (await import(viewerRun)) as { Run: new (m: unknown) => ViewerRun };
const viewerGeometry = "../viewer/src/geometry.js";
interface ViewerGeometry {
  receiverLine(run: ViewerRun): Promise<{ from: number; to: number; label: string } | null>;
  geometryMarkers(run: ViewerRun, shot: number): Promise<{ shape: string; x: ArrayLike<number>; y: ArrayLike<number> }[]>;
}

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

test("2D geometry: receivers on one evenly spaced line become a gather's axis in metres, sources and receivers become markers of the selected shot", async () => {
  const xz = (points: number[][]) => encodeNpy(Float64Array.from(points.flat()), [points.length, 2]);
  const line = (shots: number[][][]) => encodeNpy(Float64Array.from(shots.flat(2)), [shots.length, shots[0].length, 2]);
  const surface = [[20, 20], [40, 20], [60, 20]], well = [[950, 100], [950, 200], [950, 300]];
  const files: Record<string, Uint8Array> = {
    "sources.npy": xz([[100, 20], [500, 20]]),
    "surface.npy": line([surface, surface]),
    "well.npy": line([well, well]),
    "moving.npy": line([surface, surface.map(([x, z]) => [x + 100, z])]),
    "uneven.npy": line([[[20, 20], [40, 20], [90, 20]]]),
  };
  vi.stubGlobal("fetch", async (url: string) => new Response(files[decodeURIComponent(url.replace(/^run\//, ""))].slice().buffer));
  const geometry = (name: string, shape: number[]): ArrayEntry => ({
    name, file: `${name}.npy`, dtype: "<f8", shape, units: "m", role: "geometry",
    axes: [{ name: "shot" }, ...(shape.length === 3 ? [{ name: "receiver" }] : []), { name: "x, z" }],
  });
  const { receiverLine, geometryMarkers } = (await import(viewerGeometry)) as ViewerGeometry;
  const runOf = (receivers: string, shots = 2) =>
    new Run({ format: "gradscape-run", version: 1, kind: "wave2d-inversion", scene: {}, arrays: [geometry("sources", [2, 2]), geometry(receivers, [shots, 3, 2])] });
  expect(await receiverLine(runOf("surface"))).toEqual({ from: 20, to: 60, label: "receiver x (m)" });
  expect(await receiverLine(runOf("well"))).toEqual({ from: 100, to: 300, label: "receiver z (m)" });
  // A spread moving with the shot, or receivers unevenly spaced, keep the receiver's index.
  expect(await receiverLine(runOf("moving"))).toBeNull();
  expect(await receiverLine(runOf("uneven", 1))).toBeNull();
  // Receivers of shot 2 under every source, shot 2's source highlighted on top.
  const markers = await geometryMarkers(runOf("moving"), 1);
  expect(markers.map((m) => [m.shape, Array.from(m.x), Array.from(m.y)])).toEqual([
    ["triangle", [120, 140, 160], [20, 20, 20]],
    ["star", [100, 500], [20, 20]],
    ["star", [500], [20]],
  ]);
});
