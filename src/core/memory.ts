/**
 * Memory budgets. Simulators and scene runners add up what they will hold
 * (state, gradient storage, outputs) before allocating it, and refuse at once
 * — with the estimate, the limit and what to change — a problem that would
 * not fit, instead of running for minutes and dying out of memory.
 *
 * The limit is process-wide: 4 GiB by default (WebAssembly's 32-bit address
 * space, and a safe figure in a browser tab); the command line sets it to
 * half of the machine's memory unless `--max-memory` says otherwise.
 */
import { InputError } from "./errors.js";

/** One item of an estimate: what it is and how many bytes it takes. */
export interface MemoryPart {
  what: string;
  bytes: number;
}

const GIB = 2 ** 30;
let limit = 4 * GIB;

/** The current limit (bytes). */
export function memoryLimit(): number {
  return limit;
}

/**
 * Sets the limit (bytes) that {@link checkMemory} holds estimates to.
 * @throws {InputError} for anything but a positive finite number.
 */
export function setMemoryLimit(bytes: number): void {
  if (typeof bytes !== "number" || !Number.isFinite(bytes) || bytes <= 0) throw new InputError("memory limit", `expected a positive number of bytes, got ${String(bytes)}`);
  limit = bytes;
}

/** Bytes in a readable unit: 512 B, 3.2 MiB, 3.9 GiB. */
export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
  let v = bytes, u = 0;
  while (v >= 1024 && u < units.length - 1) (v /= 1024), u++;
  return u === 0 ? `${Math.round(v)} B` : `${v >= 100 ? v.toFixed(0) : v.toPrecision(2)} ${units[u]}`;
}

/** Sum of an estimate's parts. */
export function totalBytes(parts: readonly MemoryPart[]): number {
  return parts.reduce((s, p) => s + p.bytes, 0);
}

/** The parts, largest first, as `3.7 GiB full wavefield storage, 96 MiB data`. */
export function describeParts(parts: readonly MemoryPart[]): string {
  return [...parts].filter((p) => p.bytes > 0).sort((a, b) => b.bytes - a.bytes).map((p) => `${formatBytes(p.bytes)} ${p.what}`).join(", ");
}

/**
 * Refuses an estimate over the limit with an {@link InputError} naming
 * `field`, the estimate and its parts, the limit and `advice` (what to change).
 * @returns the estimate's total (bytes)
 */
export function checkMemory(field: string, parts: readonly MemoryPart[], advice: string): number {
  const total = totalBytes(parts);
  if (!(total <= limit)) {
    throw new InputError(field, `needs about ${formatBytes(total)} (${describeParts(parts)}), more than the memory limit of ${formatBytes(limit)}; ${advice}`);
  }
  return total;
}

/**
 * Reads a size such as `8GiB`, `512 MiB`, `2e9` (bytes) or `1.5GB` (decimal
 * units are powers of 1000, binary ones of 1024); null when it is not one.
 */
export function parseBytes(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d*)?(?:e\d+)?)\s*(b|kb|kib|mb|mib|gb|gib|tb|tib)?\s*$/i.exec(text);
  if (m === null) return null;
  const unit = (m[2] ?? "b").toLowerCase();
  const scale: Record<string, number> = { b: 1, kb: 1e3, kib: 2 ** 10, mb: 1e6, mib: 2 ** 20, gb: 1e9, gib: 2 ** 30, tb: 1e12, tib: 2 ** 40 };
  const bytes = Number(m[1]) * scale[unit];
  return Number.isFinite(bytes) && bytes > 0 ? bytes : null;
}
