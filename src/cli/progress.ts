/** Terminal progress: a bar on a TTY, plain periodic lines otherwise (logs, CI). */
import cliProgress from "cli-progress";
import type { Progress } from "../scene/progress.js";

/** A progress bar on stderr when it is a TTY, otherwise a line every ~10%. */
export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      { stream, format: "{label} [{bar}] {percentage}% | {value}/{total} | {status}", hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    let label = "";
    return {
      start(total, l) {
        label = l;
        bar.start(total, 0, { label, status: "" });
      },
      update(done, status = "") {
        bar.update(done, { label, status });
      },
      stop() {
        bar.stop();
      },
    };
  }
  let total = 1;
  let label = "";
  let nextReport = 0;
  return {
    start(t, l) {
      total = t;
      label = l;
      nextReport = 0;
    },
    update(done, status) {
      const pct = Math.floor((100 * done) / total);
      if (pct >= nextReport) {
        stream.write(`${label}: ${pct}% (${done}/${total})${status ? ` ${status}` : ""}\n`);
        nextReport = pct + 10;
      }
    },
    stop() {},
  };
}
