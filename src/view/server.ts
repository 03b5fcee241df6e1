/**
 * The viewer's web server: serves the bundled viewer and one run folder,
 * read-only, on the loopback interface by default. Requests for run files
 * are confined to the run folder (no `..`, no encoded separators, no
 * symbolic links leading out), and requests must name this server in their
 * Host header (a page on another site cannot reach it by DNS rebinding).
 * `/events` is a server-sent event stream that announces every rewrite of
 * the manifest, so a page follows a running inversion live; a page opened
 * later replays the finished run.
 */
import { closeSync, createReadStream, existsSync, fstatSync, openSync, realpathSync, statSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { InputError } from "../core/errors.js";

/** Options of {@link serveRun}. */
export interface ServeOptions {
  /** Port to listen on; 0 (default) lets the system choose a free one. */
  port?: number;
  /** Interface to bind (default 127.0.0.1, the loopback: nothing off this machine can connect). */
  host?: string;
  /** Folder of the bundled viewer (index.html, main.js, ...); default: `viewer/` beside the CLI bundle. */
  assets?: string;
  /** How often the manifest is checked for changes, in ms (default 200). */
  pollMs?: number;
}

/** A running viewer server. */
export interface ViewerServer {
  /** The page's address, e.g. http://127.0.0.1:43121/ */
  url: string;
  port: number;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".npy": "application/octet-stream",
  ".map": "application/json; charset=utf-8",
  ".png": "image/png",
};

/**
 * Resolves a request path below `root`, or null when it would leave `root`
 * or names something that is not a regular file. `rest` is the raw
 * (still percent-encoded) path after the route prefix.
 */
export function confinedPath(root: string, rest: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rest);
  } catch {
    return null;
  }
  // One file name per request: run folders and the viewer bundle are flat.
  if (decoded === "" || decoded.includes("/") || decoded.includes("\\") || decoded.includes("\0") || decoded === "." || decoded === "..") return null;
  const base = realpathSync(root);
  const candidate = resolve(base, decoded);
  if (!candidate.startsWith(base + sep)) return null;
  if (!existsSync(candidate)) return null;
  const real = realpathSync(candidate);
  if (!real.startsWith(base + sep)) return null;
  return statSync(real).isFile() ? real : null;
}

function defaultAssets(): string {
  return fileURLToPath(new URL("./viewer/", import.meta.url));
}

/** Serves the viewer and the run folder `dir`; resolves once listening. */
export function serveRun(dir: string, options: ServeOptions = {}): Promise<ViewerServer> {
  const runDir = resolve(dir);
  if (!existsSync(runDir) || !statSync(runDir).isDirectory()) throw new InputError("run folder", `${dir} is not a folder`);
  const assets = resolve(options.assets ?? defaultAssets());
  if (!existsSync(join(assets, "index.html"))) throw new InputError("viewer", `no bundled viewer in ${assets}; run \`npm run build\` first`);
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InputError("port", `expected an integer from 0 to 65535, got ${port}`);
  const host = options.host ?? "127.0.0.1";
  const pollMs = options.pollMs ?? 200;
  const streams = new Set<ServerResponse>();
  let manifestStamp = "";

  const sendFile = (res: ServerResponse, path: string | null, method: string) => {
    if (path === null) {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("not found\n");
      return;
    }
    // Open first and take the size from the open file: a running inversion replaces its files by
    // rename, and a size read from the path could belong to another version than the bytes sent.
    const fd = openSync(path, "r");
    const size = fstatSync(fd).size;
    res.writeHead(200, { "content-type": TYPES[extname(path)] ?? "application/octet-stream", "content-length": size, "cache-control": "no-store" });
    if (method === "HEAD") {
      closeSync(fd);
      res.end();
    } else createReadStream("", { fd, autoClose: true }).pipe(res);
  };

  /** Whether manifest.json changed (written anew: the run writes it by rename) since the last check. */
  const manifestChanged = (): boolean => {
    const p = join(runDir, "manifest.json");
    if (!existsSync(p)) return false;
    const st = statSync(p);
    const stamp = `${st.mtimeMs}:${st.size}:${st.ino}`;
    if (stamp === manifestStamp) return false;
    manifestStamp = stamp;
    return true;
  };

  const push = (res: ServerResponse) => {
    res.write(`event: manifest\ndata: ${Date.now()}\n\n`);
  };

  const timer = setInterval(() => {
    if (manifestChanged()) for (const s of streams) push(s);
  }, pollMs);

  let hosts = new Set<string>();
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    if (!hosts.has((req.headers.host ?? "").toLowerCase())) {
      res.writeHead(403, { "content-type": "text/plain; charset=utf-8" }).end("forbidden: unexpected Host header\n");
      return;
    }
    const method = req.method ?? "GET";
    if (method !== "GET" && method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD" }).end();
      return;
    }
    const raw = (req.url ?? "/").split("?")[0];
    if (raw === "/" || raw === "/index.html") return sendFile(res, confinedPath(assets, "index.html"), method);
    if (raw === "/events") {
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store", connection: "keep-alive" });
      res.write("retry: 1000\n\n");
      push(res);
      streams.add(res);
      req.on("close", () => streams.delete(res));
      return;
    }
    if (raw.startsWith("/run/")) return sendFile(res, confinedPath(runDir, raw.slice(5)), method);
    if (raw.startsWith("/viewer/")) return sendFile(res, confinedPath(assets, raw.slice(8)), method);
    sendFile(res, null, method);
  };

  const server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch {
      if (!res.headersSent) res.writeHead(500).end();
      else res.end();
    }
  });
  return new Promise((resolveListen, reject) => {
    server.once("error", (e: NodeJS.ErrnoException) => {
      clearInterval(timer);
      reject(e.code === "EADDRINUSE" ? new InputError("port", `${port} is already in use; choose another with --port, or 0 for any free port`) : e);
    });
    server.listen(port, host, () => {
      const actual = (server.address() as AddressInfo).port;
      const shown = host.includes(":") ? `[${host}]` : host;
      hosts = new Set([shown, "localhost", "127.0.0.1", "[::1]"].map((h) => `${h}:${actual}`.toLowerCase()));
      resolveListen({
        url: `http://${shown}:${actual}/`,
        port: actual,
        close: () =>
          new Promise((done) => {
            clearInterval(timer);
            for (const s of streams) s.end();
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
