/**
 * Errors that gradscape raises for bad input. The CLI prints their message
 * (never a stack trace); library users can catch them by class.
 */

/** Bad input: names the offending field, what was expected and what was received. */
export class InputError extends Error {
  /** Dotted path of the offending field, e.g. `shots[2].receivers[0]`. */
  readonly field: string;

  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = "InputError";
    this.field = field;
  }
}

/** A NaN or infinity appeared in a result: a typed error instead of a silent NaN. */
export class NonFiniteError extends Error {
  constructor(what: string) {
    super(`${what} is not finite (NaN or infinity)`);
    this.name = "NonFiniteError";
  }
}

/**
 * A linear system or covariance that the data do not determine: singular, or
 * so ill-conditioned that its inverse has no correct digits in some direction.
 */
export class IllConditionedError extends Error {
  /** What was being inverted, e.g. `fits[1]`. */
  readonly field: string;
  /** The condition number (Infinity when singular, NaN when not finite). */
  readonly conditionNumber: number;

  constructor(field: string, conditionNumber: number, reason: string) {
    super(`${field}: ${reason}`);
    this.name = "IllConditionedError";
    this.field = field;
    this.conditionNumber = conditionNumber;
  }
}

/** Describes a received value briefly for error messages. */
export function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean" || value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name} of length ${(value as Float64Array).length}`;
  return `a ${typeof value}`;
}

/**
 * A file-system operation failed: names the path and the operating system's
 * reason and code (e.g. `/data/run/models.npy: no space left on device (ENOSPC)`).
 */
export class IoError extends Error {
  /** The file or folder the operation was on. */
  readonly path: string;
  /** The system error code, e.g. `ENOSPC`, `EROFS`, `ENOTDIR`, `EACCES`. */
  readonly code: string;
  /** The operating system's description of the code, e.g. "no space left on device". */
  readonly reason: string;

  constructor(path: string, code: string, reason: string, detail?: string) {
    super(`${path}: ${reason} (${code})${detail === undefined ? "" : `; ${detail}`}`);
    this.name = "IoError";
    this.path = path;
    this.code = code;
    this.reason = reason;
  }
}

/** A file that exists but is not what it should be (truncated, not a .npy file, not a manifest): names the file and what is wrong. */
export class DamagedFileError extends Error {
  readonly path: string;

  constructor(path: string, problem: string) {
    super(`${path}: ${problem}`);
    this.name = "DamagedFileError";
    this.path = path;
  }
}
