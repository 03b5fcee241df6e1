/**
 * The viewer's server: read-only, loopback by default, confined to the run
 * folder (../ tricks, encoded separators, absolute paths and symbolic links
 * leading out all get 404), and pushing an event when the run rewrites its
 * manifest.
 */
import { request } from "node:http";
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { writeAtomic } from "../src/run/folder.js";
import { serveRun, type ViewerServer } from "../src/view/server.js";

/** A raw request: the path is sent exactly as given (no URL normalization by a client library). */
function get(port: number, path: string, method = "GET"): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, method }, (res) => {
      let body = "";
      res.on("data", (b: Buffer) => (body += b.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("the viewer server", () => {
  let server: ViewerServer;
  let root: string;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), "serve-"));
    const run = join(root, "run"), assets = join(root, "assets");
    mkdirSync(run);
    mkdirSync(assets);
    mkdirSync(join(run, "sub"));
    writeFileSync(join(root, "secret.txt"), "outside the run folder");
    writeFileSync(join(run, "manifest.json"), '{"kind":"test","arrays":[]}');
    writeFileSync(join(run, "a.npy"), "npy bytes");
    writeFileSync(join(assets, "index.html"), "<!doctype html>viewer");
    symlinkSync(join(root, "secret.txt"), join(run, "link.txt"));
    server = await serveRun(run, { assets, pollMs: 20 });
  });

  afterAll(() => server.close());

  test("binds to the loopback interface and serves the page, the manifest and arrays", async () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/`);
    expect((await get(server.port, "/")).body).toContain("viewer");
    expect((await get(server.port, "/run/manifest.json")).body).toContain('"kind":"test"');
    expect((await get(server.port, "/run/a.npy")).body).toBe("npy bytes");
  });

  test.each([
    "/run/../secret.txt", "/run/..%2fsecret.txt", "/run/..%2Fsecret.txt", "/run/%2e%2e%2fsecret.txt", "/run/%2e%2e/secret.txt",
    "/run/..%5csecret.txt", "/run/..\\secret.txt", "/run/%2Ftmp%2Fsecret.txt", `/run/${encodeURIComponent(join(tmpdir(), "secret.txt"))}`,
    "/run/link.txt", "/run/sub", "/run/", "/run/..", "/run/%", "/run/a.npy%00.json", "/viewer/../run/manifest.json", "/../../etc/passwd", "/etc/passwd",
  ])("refuses %s", async (path) => {
    const r = await get(server.port, path);
    expect(r.status).toBe(404);
    expect(r.body).not.toContain("outside the run folder");
  });

  test("refuses requests that do not name this server (DNS rebinding)", async () => {
    const r = await new Promise<number>((resolve, reject) => {
      const req = request({ host: "127.0.0.1", port: server.port, path: "/run/a.npy", headers: { host: `attacker.example:${server.port}` } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      req.end();
    });
    expect(r).toBe(403);
  });

  test("is read-only", async () => {
    for (const method of ["POST", "PUT", "DELETE"]) expect((await get(server.port, "/run/a.npy", method)).status).toBe(405);
  });

  test("pushes a manifest event when the run rewrites its manifest", async () => {
    const events: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const req = request({ host: "127.0.0.1", port: server.port, path: "/events" }, (res) => {
        expect(res.headers["content-type"]).toBe("text/event-stream");
        res.on("data", (b: Buffer) => {
          for (const line of b.toString().split("\n")) if (line.startsWith("event: ")) events.push(line);
          // One event on connecting, one more after the rewrite below.
          if (events.length === 1) setTimeout(() => writeAtomic(join(root, "run", "manifest.json"), '{"kind":"test","arrays":[],"iterations":1}'), 50);
          if (events.length === 2) {
            req.destroy();
            resolve();
          }
        });
      });
      req.on("error", (e) => (events.length >= 2 ? resolve() : reject(e)));
      req.end();
    });
    expect(events).toEqual(["event: manifest", "event: manifest"]);
  });

  test("a port in use is a clear error", async () => {
    await expect(serveRun(join(root, "run"), { assets: join(root, "assets"), port: server.port })).rejects.toThrow(/already in use/);
  });
});
