/**
 * The lock a run holds on its folder: `<dir>/.lock`, created exclusively,
 * naming the process (pid, host, start time). A second run into the same
 * folder is refused while the holder lives; the lock of a process that died
 * (SIGKILL, a crash) is recognized as stale and taken over.
 */
import { linkSync, renameSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { InputError } from "../core/errors.js";
import { processAlive } from "./folder.js";
import { createExclusive, readText, removeFile } from "./fs.js";

/** A held lock; `release()` removes it (only if it is still ours). */
export interface FolderLock {
  path: string;
  release(): void;
}

interface Holder {
  pid: number;
  host: string;
  started: string;
}

function holderOf(text: string): Holder | null {
  try {
    const h = JSON.parse(text) as Partial<Holder>;
    return typeof h.pid === "number" && typeof h.host === "string" ? { pid: h.pid, host: h.host, started: String(h.started) } : null;
  } catch {
    return null;
  }
}

/**
 * Takes the lock on a run folder (which must exist). Throws an
 * {@link InputError} on `--out` naming the lock and its holder when another
 * live process holds it.
 */
export function lockFolder(dir: string): FolderLock {
  const path = join(dir, ".lock");
  const me: Holder = { pid: process.pid, host: hostname(), started: new Date().toISOString() };
  const text = JSON.stringify(me) + "\n";
  for (let attempt = 0; ; attempt++) {
    try {
      createExclusive(path, text);
      return {
        path,
        release() {
          try {
            if (holderOf(readText(path))?.pid === process.pid) removeFile(path);
          } catch {
            // already gone
          }
        },
      };
    } catch (e) {
      if ((e as { code?: string }).code !== "EEXIST" || attempt >= 3) throw e;
    }
    let existing: string;
    try {
      existing = readText(path);
    } catch {
      continue; // removed meanwhile: try again
    }
    const holder = holderOf(existing);
    if (holder === null) {
      // Written by a process that is creating it right now, or damaged: wait a moment once, then treat it as stale.
      if (attempt === 0) {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
        continue;
      }
    } else if (holder.host !== me.host) {
      throw new InputError("--out", `${dir} is locked by process ${holder.pid} on host ${holder.host} (since ${holder.started}); if no run is writing it, remove ${path}`);
    } else if (processAlive(holder.pid)) {
      throw new InputError("--out", `${dir} is in use by another run (process ${holder.pid}, since ${holder.started}; lock ${path}); wait for it to end or choose another folder`);
    }
    // Stale: its process is gone. Rename it away (atomic: of two runs taking it over at once, one
    // moves it), then check that what moved is the stale lock we read and not a live one another run
    // created meanwhile; a live one goes back (by a link, which never replaces a newer lock).
    const claimed = `${path}.stale-${process.pid}`;
    try {
      renameSync(path, claimed);
    } catch {
      continue; // another run moved it first
    }
    try {
      if (readText(claimed) !== existing) linkSync(claimed, path);
    } catch {
      // a newer lock is in place: it stays
    }
    removeFile(claimed);
  }
}
