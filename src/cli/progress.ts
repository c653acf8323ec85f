import cliProgress from 'cli-progress';

export interface Progress {
  update(done: number, total: number, label?: string): void;
  stop(): void;
}

/**
 * Progress on stderr: a bar with rows/s and ETA on a terminal, plain
 * timestamped lines (at most one per `intervalMs`) when stderr is a file or a
 * pipe, so CI logs and `kubectl logs` stay readable.
 */
export function createProgress(title: string, stream: NodeJS.WriteStream = process.stderr, intervalMs = 2000): Progress {
  const started = Date.now();
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format: `${title} [{bar}] {percentage}% | {value}/{total} rows | {rate} rows/s | ETA {eta_formatted} | {label}`,
        etaBuffer: 50,
        hideCursor: true,
      },
      cliProgress.Presets.shades_classic,
    );
    let begun = false;
    return {
      update(done, total, label = '') {
        const rate = Math.round(done / Math.max((Date.now() - started) / 1000, 0.001));
        if (!begun) {
          bar.start(total, done, { rate, label });
          begun = true;
        } else {
          bar.setTotal(total);
          bar.update(done, { rate, label });
        }
      },
      stop: () => bar.stop(),
    };
  }
  let last = 0;
  return {
    update(done, total, label = '') {
      const now = Date.now();
      if (now - last < intervalMs && done < total) return;
      last = now;
      const seconds = (now - started) / 1000;
      const rate = done / Math.max(seconds, 0.001);
      const eta = rate > 0 ? Math.max(0, (total - done) / rate) : 0;
      stream.write(
        `${new Date(now).toISOString()} ${title} ${label} ${done}/${total} rows (${total ? ((100 * done) / total).toFixed(1) : '100.0'}%), ${Math.round(rate)} rows/s, ETA ${Math.round(eta)} s\n`,
      );
    },
    stop() {},
  };
}
