/**
 * gradscape/node: the parts of gradscape that need Node.js — run folders on
 * disk, scene files and their runners, the viewer's web server, and shots on
 * worker threads. It re-exports the main entry too, so Node code can import
 * everything from here; classes are shared with "gradscape" (one copy in the
 * bundle), so `instanceof InputError` holds whichever entry it came from.
 *
 * @packageDocumentation
 */
export * from "./index.js";
export { RunWriter, readRun } from "./run/folder.js";
export { serveRun } from "./view/server.js";
export type { ServeOptions, ViewerServer } from "./view/server.js";
export { loadScene, parseScene } from "./scene/load.js";
export { sceneJsonSchema } from "./scene/schema.js";
export type { Scene } from "./scene/schema.js";
export { runWaveForward } from "./scene/wave-forward.js";
export { estimateScene } from "./scene/estimate.js";
export type { SceneEstimate } from "./scene/estimate.js";
export type { ForwardRunSummary } from "./scene/wave-forward.js";
export { ShotPool } from "./parallel/pool.js";
export type { Progress } from "./scene/progress.js";
