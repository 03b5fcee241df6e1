/**
 * Warning sinks: where simulators and scene runners send advice that does not
 * stop a run. By default: Node's `process.emitWarning` (so
 * `--no-warnings` and `process.on("warning")` apply), or `console.warn` in
 * a browser, where there is no `process`.
 */

/** Reports a warning of the library's category, `GradscapeWarning`. */
export function defaultWarn(message: string): void {
  const proc = (globalThis as { process?: { emitWarning?: (message: string, type: string) => void } }).process;
  if (typeof proc?.emitWarning === "function") proc.emitWarning(message, "GradscapeWarning");
  else console.warn(`GradscapeWarning: ${message}`);
}

/**
 * A sink that passes on each kind of warning once and drops its repeats. The
 * kind is the text before the first colon (`dispersion: only 3.1 points per
 * ...` is of kind `dispersion`), so a check that runs on every model of an
 * inversion speaks once, with the first model that triggered it.
 */
export function oncePerKind(warn: (message: string) => void): (message: string) => void {
  const seen = new Set<string>();
  return (message) => {
    const colon = message.indexOf(":");
    const kind = colon < 0 ? message : message.slice(0, colon);
    if (seen.has(kind)) return;
    seen.add(kind);
    warn(message);
  };
}
