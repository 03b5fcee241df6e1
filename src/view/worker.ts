/**
 * The viewer server on its own thread, for `gradscape run --view`: the run
 * itself computes synchronously on the main thread, so the server needs an
 * event loop of its own to keep answering the page.
 */
import { parentPort, workerData } from "node:worker_threads";
import { serveRun, type ServeOptions } from "./server.js";

const { dir, options } = workerData as { dir: string; options: ServeOptions };
serveRun(dir, options).then(
  (server) => parentPort!.postMessage({ url: server.url }),
  (e: unknown) => parentPort!.postMessage({ error: e instanceof Error ? e.message : String(e) }),
);
