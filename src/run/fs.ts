/**
 * Every file-system operation on a run folder goes through here, so that a
 * failure of the operating system (a full disk, a read-only mount, a path
 * under a regular file, a permission) becomes one {@link IoError} naming the
 * path and the reason, and no temporary file is left behind.
 */
import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmdirSync, statSync, unlinkSync, writeFileSync, copyFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { IoError } from "../core/errors.js";

/** The reason text of a Node system error ("ENOSPC: no space left on device, write" -> "no space left on device"). */
function reasonOf(e: NodeJS.ErrnoException): string {
  const m = /^[A-Z0-9_]+: (.*?)(, [a-z_]+(?: '.*)?)?$/s.exec(e.message);
  return m?.[1] ?? e.message;
}

/** Converts a Node system error (one with a `code`) into an {@link IoError} on `path`; returns anything else unchanged. */
export function toIoError(e: unknown, path: string, detail?: string): unknown {
  if (e instanceof IoError) return e;
  const err = e as NodeJS.ErrnoException;
  if (err instanceof Error && typeof err.code === "string" && /^E[A-Z0-9]+$/.test(err.code)) return new IoError(path, err.code, reasonOf(err), detail);
  return e;
}

/** Runs `f`, converting system errors into {@link IoError}s on `path`. */
export function io<T>(path: string, f: () => T, detail?: string): T {
  try {
    return f();
  } catch (e) {
    throw toIoError(e, path, detail);
  }
}

/**
 * A test seam: when set, called before every write of a file into a run
 * folder with its final path; a returned system error code (e.g. "ENOSPC")
 * makes that write fail as the operating system would.
 */
export const faults: { write: ((path: string) => string | undefined) | null } = { write: null };

function injected(path: string): void {
  const code = faults.write?.(path);
  if (code !== undefined) {
    const e = new Error(`${code}: injected failure, write`) as NodeJS.ErrnoException;
    e.code = code;
    throw e;
  }
}

/** The temporary name `path` is written under before it is renamed into place. */
export const temporaryName = (path: string) => `${path}.tmp-${process.pid}`;

/** Whether a file name is a temporary name (of any process). */
export const temporaryPid = (file: string): number | null => {
  const m = /\.tmp-(\d+)$/.exec(file);
  return m === null ? null : Number(m[1]);
};

/** Removes a file; a missing file is not an error. */
export function removeFile(path: string): void {
  try {
    unlinkSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw toIoError(e, path);
  }
}

/**
 * Writes `bytes` to `path` atomically: to a temporary file in the same folder,
 * then renamed over `path`. On failure the temporary file is removed and an
 * {@link IoError} naming `path` is thrown.
 */
export function writeAtomic(path: string, bytes: Uint8Array | string): void {
  replaceAtomically(path, (tmp) => writeFileSync(tmp, bytes));
}

/**
 * Has `fill` make a temporary file beside `path`, then renames it over `path`;
 * on failure the temporary file is removed and an {@link IoError} naming
 * `path` is thrown.
 */
function replaceAtomically(path: string, fill: (tmp: string) => void): void {
  const tmp = temporaryName(path);
  try {
    injected(path);
    fill(tmp);
    renameSync(tmp, path);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // it was never created, or cannot be removed either
    }
    throw toIoError(e, path);
  }
}

/** Makes `to` name the same contents as `from` (a hard link, or a copy where links are not supported), atomically. */
export function linkAtomic(from: string, to: string): void {
  replaceAtomically(to, (tmp) => {
    try {
      linkSync(from, tmp);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== "EPERM" && code !== "ENOTSUP" && code !== "EXDEV" && code !== "EMLINK" && code !== "EEXIST") throw e;
      removeFile(tmp);
      copyFileSync(from, tmp);
    }
  });
}

/** Reads a file as text (an {@link IoError} naming it when it cannot be read). */
export function readText(path: string): string {
  return io(path, () => readFileSync(path, "utf8"));
}

/** Reads a file's bytes (an {@link IoError} naming it when it cannot be read). */
export function readBytes(path: string): Uint8Array {
  return io(path, () => readFileSync(path));
}

/** The kind of thing at `path`: "directory", "file" (anything else that exists), or null when nothing is there. */
function kindOf(path: string): "directory" | "file" | null {
  try {
    return statSync(path).isDirectory() ? "directory" : "file";
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return null;
    if (code === "ENOTDIR") return null; // a parent is a file: the walk up finds and names it
    throw toIoError(e, path);
  }
}

/**
 * Creates a folder and its missing parents, one level at a time (Node's
 * recursive mkdir loops forever on some virtual file systems, e.g. under
 * /proc). Fails with an {@link IoError} naming the path in the way: a
 * regular file (ENOTDIR), a read-only or virtual file system (EROFS, EPERM,
 * EACCES, or ENOENT from a folder that refuses new entries). Returns the
 * folders it created, outermost first.
 */
export function makeDirectory(dir: string): string[] {
  const target = resolve(dir);
  const missing: string[] = [];
  let p = target;
  for (;;) {
    const kind = kindOf(p);
    if (kind === "directory") break;
    if (kind === "file") throw new IoError(p, "ENOTDIR", "not a directory", p === target ? "it is a file" : `it is a file, so ${target} cannot be created under it`);
    missing.unshift(p);
    const parent = dirname(p);
    if (parent === p) break;
    p = parent;
  }
  for (const m of missing) {
    try {
      mkdirSync(m);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "EEXIST" && kindOf(m) === "directory") continue;
      if (code === "ENOENT") throw new IoError(m, "ENOENT", "cannot create a folder here (the file system refuses new entries)");
      throw toIoError(e, m, m === target ? undefined : `cannot create ${target}`);
    }
  }
  return missing;
}

/** The names in a folder ([] when it does not exist). */
export function listFolder(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw toIoError(e, dir);
  }
}

/** Removes a folder if it is empty; false if it is not (or cannot be removed). */
export function removeEmptyFolder(dir: string): boolean {
  try {
    rmdirSync(dir);
    return true;
  } catch {
    return false;
  }
}

/** Writes a new file exclusively (fails with EEXIST when it exists); flushed to disk. */
export function createExclusive(path: string, text: string): void {
  let fd: number;
  try {
    fd = openSync(path, "wx");
  } catch (e) {
    throw toIoError(e, path);
  }
  try {
    writeFileSync(fd, text);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    removeFile(path);
    throw toIoError(e, path);
  }
  closeSync(fd);
}
