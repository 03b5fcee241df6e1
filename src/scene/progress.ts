/** How scene runners report progress; the CLI supplies a bar or plain lines. */
export interface Progress {
  start(total: number, label: string): void;
  /** `status`: a short line of what is happening (band, misfit, model error). */
  update(done: number, status?: string): void;
  stop(): void;
}

/** A progress sink that shows nothing (library use, tests). */
export const silentProgress: Progress = { start() {}, update() {}, stop() {} };
