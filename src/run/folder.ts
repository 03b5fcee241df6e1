/**
 * Run folders: a `manifest.json` describing every array (name, file, shape,
 * units, axes) plus one .npy file per array.
 *
 * The manifest is the commit point: every file is written under a temporary
 * name and renamed into place, and a file the manifest on disk names is never
 * replaced. An array rewritten while a run is live (a growing history) goes to
 * a new revision file (`models.r12.npy`), and the manifest that names it is
 * renamed into place after it; the revisions no manifest names any more are
 * then deleted (the previous manifest's are kept one round, for a reader that
 * is between reading the manifest and the file). So wherever a kill lands,
 * every array the manifest names has exactly the shape the manifest says. A
 * finished run's manifest names the plain `<name>.npy` files.
 */
import { join } from "node:path";
import { DamagedFileError, IoError } from "../core/errors.js";
import type { Field } from "../core/contract.js";
import { shapeMismatch, type ArrayEntry, type Axis, type Manifest } from "./manifest.js";
import { decodeNpy, fieldToNpy, NpyError } from "./npy.js";
import { linkAtomic, listFolder, makeDirectory, readBytes, readText, removeFile, temporaryPid, writeAtomic } from "./fs.js";

import type { RoleTags } from "./roles.js";

export type { ArrayEntry, Axis, Manifest } from "./manifest.js";
export type { Role, RoleTags } from "./roles.js";
export { writeAtomic } from "./fs.js";

/** A file name written for a revision of a live run: `<name>.r<N>.<ext>`. */
const REVISION = /\.r(\d+)\.(npy|json)$/;

/** Whether a process of this machine is alive (a signal-0 probe; EPERM means alive but not ours). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The files a manifest names: its arrays' files and its attachments (e.g. the optimizer state). */
function namedFiles(m: Manifest): Set<string> {
  const files = new Set(m.arrays.map((a) => a.file));
  for (const key of Object.keys(m.attachments ?? {})) files.add((m.attachments as Record<string, string>)[key]);
  return files;
}

/** What a writer records about an array besides its data: units, axes, role (see {@link ROLES}), words. */
export interface ArrayMeta extends RoleTags {
  units: string;
  axes: Axis[];
  description?: string;
  labels?: string[];
}

/** Writes arrays into a run folder and keeps the manifest entries. */
export class RunWriter {
  readonly dir: string;
  private readonly entries: ArrayEntry[] = [];
  /** Files written for the next manifest's resumption (key -> file), e.g. the optimizer state. */
  private attachments: Record<string, string> = {};
  /** Files the manifest on disk names, and those of the manifest before it. */
  private committed = new Set<string>();
  private previous = new Set<string>();
  /** Files written since the last manifest (no manifest names them yet). */
  private pending = new Set<string>();
  private revision = 1;
  private last: Manifest | null = null;

  /**
   * Creates the folder if needed. A folder that already holds a run being
   * resumed keeps its manifest's files untouched until a new manifest
   * replaces it; temporary files of dead processes and revisions its manifest
   * does not name are removed.
   * @param options.replace remove the run the folder holds first (see {@link removeRun}): a new run, not a resumed one.
   *   Runners construct their writer only once the scene has passed every check, so a refused scene never costs the old run.
   */
  constructor(dir: string, options: { replace?: boolean } = {}) {
    this.dir = dir;
    makeDirectory(dir);
    if (options.replace === true) removeRun(dir);
    let existing: Manifest | null = null;
    try {
      existing = parseManifest(join(dir, "manifest.json"), readText(join(dir, "manifest.json")));
    } catch {
      // no manifest (a new run) or an unreadable one: it names nothing we must keep
    }
    if (existing !== null) {
      this.committed = namedFiles(existing);
      for (const f of this.committed) this.revision = Math.max(this.revision, Number(REVISION.exec(f)?.[1] ?? 0) + 1);
    }
    for (const f of listFolder(dir)) {
      const pid = temporaryPid(f);
      const stale = (pid !== null && pid !== process.pid && !processAlive(pid)) || (REVISION.test(f) && !this.committed.has(f));
      if (stale) removeFile(join(dir, f));
    }
  }

  /** The file to write `name` to: its plain name unless a manifest on disk (or the one before) names that. */
  private fileFor(base: string, ext: string): string {
    const plain = `${base}.${ext}`;
    return this.committed.has(plain) || this.previous.has(plain) ? `${base}.r${this.revision}.${ext}` : plain;
  }

  /** Runs a write; on an I/O failure marks the manifest on disk failed (where it can be written) and rethrows. */
  private guard<T>(f: () => T): T {
    try {
      return f();
    } catch (e) {
      if (e instanceof IoError) this.fail(e);
      throw e;
    }
  }

  /** Writes one array as `<name>.npy` (or a new revision of it) and records it for the manifest. */
  array(name: string, a: Field, meta: ArrayMeta): void {
    if (meta.axes.length !== a.shape.length) throw new RangeError(`RunWriter.array(${name}): ${meta.axes.length} axes for ${a.shape.length} dimensions`);
    const file = this.fileFor(name, "npy");
    this.pending.add(file);
    this.guard(() => writeAtomic(join(this.dir, file), fieldToNpy(a)));
    const entry: ArrayEntry = { name, file, dtype: "<f8", shape: [...a.shape], ...meta };
    const k = this.entries.findIndex((e) => e.name === name);
    if (k >= 0) this.entries[k] = entry;
    else this.entries.push(entry);
  }

  /**
   * Writes a text file the next running manifest names under `attachments[key]`
   * (e.g. the optimizer state a resumed run starts from); returns its name.
   * A finished manifest names no attachments.
   */
  attach(key: string, text: string): string {
    const file = this.fileFor(key, "json");
    this.pending.add(file);
    this.guard(() => writeAtomic(join(this.dir, file), text));
    this.attachments[key] = file;
    return file;
  }

  /** Removes a file no manifest names any more (best effort: a leftover is removed by the next writer of the folder). */
  private discard(file: string): void {
    try {
      removeFile(join(this.dir, file));
    } catch {
      // left for the next writer's clean-up
    }
  }

  /** The next manifest names no attachment `key` (its file is removed once no manifest names it). */
  detach(key: string): void {
    delete this.attachments[key];
  }

  private commit(manifest: Manifest): void {
    writeAtomic(join(this.dir, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
    this.last = manifest;
    const named = namedFiles(manifest);
    for (const f of this.previous) if (!named.has(f) && !this.committed.has(f)) this.discard(f);
    this.previous = this.committed;
    this.committed = named;
    this.pending.clear();
    this.revision++;
  }

  /**
   * Writes the manifest atomically; call it again to describe a folder that
   * has grown (a running inversion: `extra.status` "running"). Any other
   * status is final: the manifest then names the plain `<name>.npy` files,
   * and the revisions and attachments are removed.
   */
  finish(kind: string, scene: unknown, extra: Record<string, unknown> = {}): Manifest {
    const final = extra.status !== "running";
    return this.guard(() => {
      const attachments = final ? {} : { ...this.attachments };
      const manifest = (): Manifest => ({
        format: "gradscape-run", version: 1, kind, scene, arrays: this.entries.map((e) => ({ ...e })),
        ...(Object.keys(attachments).length > 0 ? { attachments } : {}), ...extra,
      });
      if (final && this.entries.some((e) => e.file !== `${e.name}.npy`)) {
        // Commit the final manifest naming the revisions first, then give them their plain names.
        this.commit(manifest());
        for (const e of this.entries) {
          const plain = `${e.name}.npy`;
          if (e.file !== plain) {
            linkAtomic(join(this.dir, e.file), join(this.dir, plain));
            e.file = plain;
          }
        }
      }
      const m = manifest();
      this.commit(m);
      if (final) {
        const named = namedFiles(m);
        for (const f of this.previous) if (!named.has(f)) this.discard(f);
        this.previous = new Set();
        this.attachments = {};
      }
      return m;
    });
  }

  /**
   * After an I/O failure: rewrites the last manifest written with
   * `"status": "failed"` and the error, after removing the files written
   * since it (its own files are untouched, so it still agrees with them; a run that failed this way can be resumed once the
   * cause is fixed). Best effort: the disk may refuse this write too.
   */
  fail(error: Error): void {
    // What was written since the last manifest is of no use without it (and frees room on a full disk).
    for (const f of this.pending) if (!this.committed.has(f) && !this.previous.has(f)) this.discard(f);
    this.pending.clear();
    if (this.last === null || this.last.status === "failed") return;
    try {
      const m = { ...this.last, status: "failed", error: error.message };
      writeAtomic(join(this.dir, "manifest.json"), JSON.stringify(m, null, 2) + "\n");
      this.last = m;
    } catch {
      // the manifest on disk stays as it was: still consistent with its files
    }
  }
}

/** Parses and checks a manifest's text; a {@link DamagedFileError} names the file and what is wrong. */
/**
 * Completes a final commit that a crash interrupted: {@link RunWriter.finish} commits a finished
 * manifest naming the arrays' revision files, then gives them their plain names and commits
 * again. A folder left between the two (its finished manifest naming `<name>.rN.npy`) holds a
 * whole, consistent run under other names; this renames as finish would have, so the folder
 * gets the bytes of an uninterrupted run. Does nothing to a running manifest or one already
 * plain. The same crash safety: links first, the manifest is the commit point, then the
 * revisions go.
 */
export function completeFinish(dir: string): void {
  const path = join(dir, "manifest.json");
  const m = parseManifest(path, readText(path));
  if (m.status === "running" || m.arrays.every((a) => a.file === `${a.name}.npy`)) return;
  const revisions: string[] = [];
  for (const a of m.arrays) {
    const plain = `${a.name}.npy`;
    if (a.file === plain) continue;
    linkAtomic(join(dir, a.file), join(dir, plain));
    revisions.push(a.file);
    a.file = plain;
  }
  writeAtomic(path, JSON.stringify(m, null, 2) + "\n");
  for (const f of revisions) {
    try {
      removeFile(join(dir, f));
    } catch {
      // left for the next writer's clean-up
    }
  }
}

export function parseManifest(path: string, text: string): Manifest {
  let m: unknown;
  try {
    m = JSON.parse(text);
  } catch (e) {
    throw new DamagedFileError(path, `not valid JSON (${(e as Error).message}); the file is damaged or truncated`);
  }
  const o = m as Partial<Manifest> | null;
  if (o === null || typeof o !== "object" || o.format !== "gradscape-run") throw new DamagedFileError(path, `not a gradscape run manifest (no "format": "gradscape-run")`);
  if (!Array.isArray(o.arrays) || o.arrays.some((a) => typeof a?.name !== "string" || typeof a?.file !== "string" || !Array.isArray(a?.shape))) {
    throw new DamagedFileError(path, `"arrays" must list entries with a name, a file and a shape`);
  }
  return o as Manifest;
}

/** Reads a run folder: its manifest and a loader for each array (which checks the file against the manifest). */
export function readRun(dir: string): { manifest: Manifest; load(name: string): Field } {
  const manifestPath = join(dir, "manifest.json");
  const manifest = parseManifest(manifestPath, readText(manifestPath));
  return {
    manifest,
    load(name: string): Field {
      const entry = manifest.arrays.find((e) => e.name === name);
      if (entry === undefined) throw new Error(`readRun: no array named ${JSON.stringify(name)} in ${dir} (has: ${manifest.arrays.map((e) => e.name).join(", ")})`);
      const path = join(dir, entry.file);
      let f: Field;
      try {
        f = decodeNpy(readBytes(path));
      } catch (e) {
        if (e instanceof NpyError) throw new DamagedFileError(path, e.message);
        throw e;
      }
      const mismatch = shapeMismatch(entry, f.shape);
      if (mismatch !== null) throw new DamagedFileError(path, mismatch);
      return f;
    },
  };
}

/**
 * Removes the run a folder holds (for `--force`): the manifest first (so no
 * half-removed run is ever described), then the files it named, revisions,
 * attachments and temporary files. Other files are left alone.
 */
export function removeRun(dir: string): void {
  const manifestPath = join(dir, "manifest.json");
  let named = new Set<string>();
  try {
    named = namedFiles(parseManifest(manifestPath, readText(manifestPath)));
  } catch {
    // none, or damaged: only our own file patterns are removed
  }
  removeFile(manifestPath);
  for (const f of listFolder(dir)) {
    if (named.has(f) || REVISION.test(f) || temporaryPid(f) !== null || f === "state.json") removeFile(join(dir, f));
  }
}
