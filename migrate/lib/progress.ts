import cliProgress from 'cli-progress';
import type { MigrationProgress } from './types.js';

/** What the CLI shows while a run goes; the migration itself only calls onProgress. */
export interface ProgressReporter {
  update(progress: MigrationProgress): void;
  finish(): void;
}

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

const describe = (p: MigrationProgress) =>
  `${p.counts.wouldCreate ? `${p.counts.wouldCreate} would be created` : `${p.counts.created} created`}, ${p.counts.skipped} skipped, ${p.counts.failed} failed`;

/** One line per source page: for logs, CI and anything that is not a terminal. */
export function plainTextProgress(stream: ProgressStream): ProgressReporter {
  return {
    update(p) {
      if (p.kind !== 'page') return;
      stream.write(
        `page ${p.pages}: ${p.done}${p.total !== undefined ? `/${p.total}` : ''} customers — ${describe(p)}\n`,
      );
    },
    finish() {},
  };
}

/** A redrawn bar on a terminal (cli-progress); the total grows as pages arrive when the source cannot count. */
export function progressBar(stream: ProgressStream): ProgressReporter {
  const bar = new cliProgress.SingleBar(
    {
      stream: stream as NodeJS.WritableStream,
      format: '{bar} {value}/{total} customers | {status}',
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(p) {
      const total = p.total ?? p.done + (p.kind === 'page' ? 0 : 1);
      if (!started) {
        bar.start(total, p.done, { status: describe(p) });
        started = true;
      }
      bar.setTotal(Math.max(total, p.done));
      bar.update(p.done, { status: describe(p) });
    },
    finish() {
      if (started) bar.stop();
    },
  };
}

/** The bar on a terminal, plain lines elsewhere. */
export function progressReporter(stream: ProgressStream): ProgressReporter {
  return stream.isTTY ? progressBar(stream) : plainTextProgress(stream);
}
