/**
 * Which kernels the wave simulator runs: kernel.c compiled natively (at install time when a C
 * compiler is present, loaded through Node-API) or compiled to WebAssembly (committed bytes,
 * which run everywhere). One source: they agree to 1e-12 relative in float64 (tested).
 *
 * Choice: `GRADSCAPE_BACKEND=native|wasm` forces one (native forced but not loadable is an
 * error saying why); otherwise native when it loads, WebAssembly when not. Made once, when the
 * first arena needs kernels. With `wasm` the native module is never loaded.
 *
 * Browser-safe: nothing here imports a Node built-in. In Node (>= 20.16) the module is found
 * through `process.getBuiltinModule`, beside the code that runs: `build/Release/gradscape.node`
 * at the package root, which is `../build` from the bundles in dist/ and `../../build` from
 * this file in src/wave/ (where tests run it).
 */
import { InputError, describe } from "../core/errors.js";
import type { Kernels } from "./wasm.js";
import type { Precision } from "./precision.js";

/**
 * Bytes kept free at the end of every arena's memory for the kernels' configurations (one per
 * sweep: kernel.h's GS_STATE_BYTES), native and WebAssembly alike.
 */
export const KERNEL_STATE_BYTES = 512;

/** The two kernel implementations. */
export type BackendName = "native" | "wasm";

/** The environment variable that forces a backend. */
export const BACKEND_VARIABLE = "GRADSCAPE_BACKEND";

/** What {@link backendInfo} reports. */
export interface BackendInfo {
  /** The kernels that arenas made from now on use. */
  readonly backend: BackendName;
  /** Why: forced (and by what), or the native module loaded, or why it did not. */
  readonly reason: string;
  /** The native module's file when it was found, else null. */
  readonly path: string | null;
  /** With the native backend: the instruction set its kernels were compiled for (e.g. "avx2"), else null. */
  readonly isa: string | null;
}

/** The native module's exports (src/wave/kernel-napi.c). */
interface NativeModule {
  /** Gives `buffer` the kernels of `precision` as methods and returns it; its last `reserved` bytes (>= stateBytes) hold their state. */
  bind(buffer: ArrayBuffer, reserved: number, precision: Precision): Kernels;
  readonly isa: string;
  readonly flushesSubnormals: boolean;
  readonly stateBytes: number;
  /** The version of this interface (kernel-napi.c's GS_ABI). */
  readonly abi: number;
}

/** The version of the native module's interface this code expects (kernel-napi.c's GS_ABI). */
const NATIVE_ABI = 11;

type NativeLoad = { ok: true; module: NativeModule; path: string } | { ok: false; reason: string; path: string | null };

/** Where the native module can be, relative to this code: from dist/*.js, from src/wave/. */
const CANDIDATES = ["../build/Release/gradscape.node", "../../build/Release/gradscape.node"];

interface NodeProcess {
  versions?: { node?: string };
  env?: Record<string, string | undefined>;
  getBuiltinModule?: (id: string) => unknown;
}

function nodeProcess(): NodeProcess | undefined {
  const proc = (globalThis as { process?: NodeProcess }).process;
  return typeof proc?.versions?.node === "string" ? proc : undefined;
}

let native: NativeLoad | undefined;

/** Loads the native module once; never throws (a failure is a reason). */
function loadNative(): NativeLoad {
  if (native === undefined) native = tryLoadNative();
  return native;
}

function tryLoadNative(): NativeLoad {
  const proc = nodeProcess();
  if (proc === undefined) return { ok: false, reason: "not running in Node (WebAssembly serves everywhere else)", path: null };
  if (typeof proc.getBuiltinModule !== "function") {
    return { ok: false, reason: `Node ${proc.versions?.node} has no process.getBuiltinModule (Node >= 20.16 loads the native kernels)`, path: null };
  }
  const { createRequire } = proc.getBuiltinModule("node:module") as { createRequire(from: string | URL): (id: string) => unknown };
  const { existsSync } = proc.getBuiltinModule("node:fs") as { existsSync(path: string | URL): boolean };
  const { fileURLToPath } = proc.getBuiltinModule("node:url") as { fileURLToPath(url: URL): string };
  let here: URL;
  try {
    here = new URL(import.meta.url);
  } catch {
    return { ok: false, reason: "the code's location is unknown (import.meta.url), so the native module cannot be found", path: null };
  }
  if (here.protocol !== "file:") return { ok: false, reason: `the code was not loaded from a file (${here.protocol})`, path: null };
  const found = CANDIDATES.map((p) => new URL(p, here)).find((url) => existsSync(url));
  if (found === undefined) {
    return { ok: false, reason: "the native kernels are not built (build/Release/gradscape.node; npm install builds them when a C compiler is present)", path: null };
  }
  const path = fileURLToPath(found);
  try {
    const module = createRequire(here)(path) as NativeModule;
    if (typeof module?.bind !== "function") return { ok: false, reason: `${path} is not the gradscape native module (no bind)`, path };
    if (module.abi !== NATIVE_ABI || !(module.stateBytes <= KERNEL_STATE_BYTES)) {
      return { ok: false, reason: `${path} was built from other sources (interface ${module.abi}, expected ${NATIVE_ABI}); rebuild it (npm rebuild gradscape, or npm run build:native in its repository)`, path };
    }
    return { ok: true, module, path };
  } catch (e) {
    return { ok: false, reason: `${path} did not load: ${e instanceof Error ? e.message : String(e)}`, path };
  }
}

/**
 * The backend a request gives: "wasm", "native", or undefined/"" for native when it loads, else
 * WebAssembly. `source` names where the request came from, for the reason and the errors.
 * "wasm" does not load the native module.
 * @throws InputError naming GRADSCAPE_BACKEND for another value; Error saying why when
 *         "native" is asked for and the native module does not load.
 */
export function chooseBackend(request: string | undefined, source = `${BACKEND_VARIABLE}=${request}`): BackendInfo {
  if (request === "wasm") return { backend: "wasm", reason: `forced by ${source}`, path: null, isa: null };
  if (request !== undefined && request !== "" && request !== "native") {
    throw new InputError(BACKEND_VARIABLE, `expected "native" or "wasm" (or unset: native when built, else wasm), got ${describe(request)}`);
  }
  const n = loadNative();
  if (n.ok) {
    const how = request === "native" ? `forced by ${source}` : "the native kernels loaded";
    return { backend: "native", reason: `${how} (${n.module.isa}${n.module.flushesSubnormals ? ", flush-to-zero" : ""})`, path: n.path, isa: n.module.isa };
  }
  if (request === "native") throw new Error(`${source}, but the native kernels are unavailable: ${n.reason}; unset ${BACKEND_VARIABLE} or set it to wasm to use the WebAssembly kernels`);
  return { backend: "wasm", reason: n.reason, path: n.path, isa: null };
}

let fromEnvironment: BackendInfo | undefined;
let override: BackendInfo | null = null;

/**
 * The backend that arenas made from now on use, and why; the first call makes the choice
 * (see the module's comment).
 * @throws InputError when GRADSCAPE_BACKEND is neither "native" nor "wasm";
 *         Error when it is "native" and the native module does not load (the message says why).
 */
export function backendInfo(): BackendInfo {
  if (override !== null) return override;
  if (fromEnvironment === undefined) {
    const value = nodeProcess()?.env?.[BACKEND_VARIABLE];
    fromEnvironment = chooseBackend(value);
  }
  return fromEnvironment;
}

/**
 * Makes arenas created from now on use `name`'s kernels (in this thread), or with null the
 * environment's choice again. For tests and benchmarks that run both backends in one process.
 * A simulator makes its arenas when it runs (a full-storage workspace once, at its first
 * `linearize`, then reused), so set the backend before the calls, not just before `new`.
 * @throws Error when `name` is "native" and the native module does not load.
 */
export function setBackend(name: BackendName | null): BackendInfo {
  override = name === null ? null : chooseBackend(name, `setBackend("${name}")`);
  return backendInfo();
}

/** Whether the native module loads here, and why not (loads it if that was not yet tried). */
export function nativeAvailability(): { available: boolean; reason: string; path: string | null } {
  const n = loadNative();
  return n.ok ? { available: true, reason: "loaded", path: n.path } : { available: false, reason: n.reason, path: n.path };
}

/**
 * The native kernels of `precision` bound to `buffer` when the native backend is active, else
 * null. They keep their configurations in the buffer's last `reserved` bytes, which nothing
 * else may use.
 */
export function nativeKernels(buffer: ArrayBuffer, reserved: number, precision: Precision): Kernels | null {
  if (backendInfo().backend !== "native") return null;
  const n = loadNative();
  return n.ok ? n.module.bind(buffer, reserved, precision) : null;
}
