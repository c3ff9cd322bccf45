import cliProgress from 'cli-progress';

/** Rows/s progress: a bar on a TTY, a plain line every few seconds otherwise (logs, CI). */
export function progress(label: string, total: number, unit = 'rows') {
  const started = performance.now();
  const rate = (done: number) => Math.round(done / Math.max((performance.now() - started) / 1000, 1e-3));
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${label} [{bar}] {value}/{total} ${unit} · {rate} ${unit}/s · {duration_formatted}`,
        stream: process.stderr,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { rate: 0 });
    return {
      update: (done: number) => {
        bar.update(done, { rate: rate(done) });
      },
      stop: () => {
        bar.stop();
      },
    };
  }
  let lastLog = 0;
  return {
    update: (done: number) => {
      const now = performance.now();
      if (now - lastLog < 5000 && done < total) return;
      lastLog = now;
      console.error(`${label}: ${done}/${total} ${unit} (${rate(done)} ${unit}/s)`);
    },
    // plain lines have nothing to close
    stop: () => undefined,
  };
}

export const log = (line: string) => {
  console.error(line);
};
