/** How scene runners report progress; the CLI supplies a bar or plain lines. */
export interface Progress {
  start(total: number, label: string): void;
  update(done: number): void;
  stop(): void;
}

/** A progress sink that shows nothing (library use, tests). */
export const silentProgress: Progress = { start() {}, update() {}, stop() {} };
