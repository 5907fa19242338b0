/**
 * A progress bar on a terminal: redrawn in place at most ten times a second, erased when done.
 * On anything but a TTY (a pipe, a log file, CI) it prints nothing.
 */
export type ProgressBar = {
  update(done: number, total: number): void;
  /** Erases the bar. */
  done(): void;
};

const WIDTH = 30;

/** Where the bar goes: process.stderr, or anything with the same two members. */
export type ProgressStream = { isTTY?: boolean; write(text: string): unknown };

export function progressBar(label: string, stream: ProgressStream = process.stderr): ProgressBar {
  if (!stream.isTTY) return { update() {}, done() {} };
  const started = performance.now();
  let drawn = Number.NEGATIVE_INFINITY;
  return {
    update(done, total) {
      const now = performance.now();
      if (now - drawn < 100 && done < total) return;
      drawn = now;
      const share = total === 0 ? 1 : Math.min(1, done / total);
      const filled = Math.round(share * WIDTH);
      const seconds = (now - started) / 1000;
      // An estimate from the first few per cent is noise: none before 5 %.
      const left = share >= 0.05 ? (seconds / share) * (1 - share) : Number.NaN;
      const eta = Number.isFinite(left) ? `, ${Math.ceil(left)} s left` : "";
      stream.write(
        `\r${label} [${"#".repeat(filled)}${".".repeat(WIDTH - filled)}] ${Math.floor(share * 100)} %  ${seconds.toFixed(0)} s${eta}\u001b[K`,
      );
    },
    done() {
      stream.write("\r\u001b[K");
    },
  };
}
