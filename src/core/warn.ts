/**
 * Where library warnings go by default: Node's `process.emitWarning` (so
 * `--no-warnings` and `process.on("warning")` apply), or `console.warn` in
 * a browser, where there is no `process`.
 */

/** Reports a warning of the library's category, `GradscapeWarning`. */
export function defaultWarn(message: string): void {
  const proc = (globalThis as { process?: { emitWarning?: (message: string, type: string) => void } }).process;
  if (typeof proc?.emitWarning === "function") proc.emitWarning(message, "GradscapeWarning");
  else console.warn(`GradscapeWarning: ${message}`);
}
