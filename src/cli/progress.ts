// Progress display of `cnnc train` (the training loop reports through TrainOptions.onBatch
// and onEpoch): a cli-progress bar on a terminal (epoch, batch, loss, accuracy, images/s,
// time left), plain lines when stderr is not a terminal (CI logs, `2> file`), where a
// redrawn bar would only make noise. One summary line per epoch either way.
import cliProgress from 'cli-progress';
import type { BatchProgress, EpochResult } from '../train/loop.js';

const pct = (x: number): string => `${(100 * x).toFixed(2)}%`;

export function formatEpoch(r: EpochResult, epochs: number): string {
  return (
    `epoch ${r.epoch}/${epochs}: train loss ${r.trainLoss.toFixed(4)} acc ${pct(r.trainAccuracy)}` +
    ` | test loss ${r.testLoss.toFixed(4)} acc ${pct(r.testAccuracy)}` +
    ` | ${r.seconds.toFixed(1)} s, ${Math.round(r.imagesPerSecond)} images/s`
  );
}

export function formatBatch(p: BatchProgress): string {
  return (
    `epoch ${p.epoch}/${p.epochs} batch ${p.batch}/${p.batches} loss ${p.loss.toFixed(4)}` +
    ` acc ${pct(p.accuracy)} ${Math.round(p.imagesPerSecond)} images/s`
  );
}

export class Progress {
  private bar: cliProgress.SingleBar | null = null;
  private readonly tty: boolean;
  /** Plain mode prints a batch line about this many times per epoch. */
  private readonly linesPerEpoch = 10;

  constructor(private readonly stream: NodeJS.WritableStream & { isTTY?: boolean } = process.stderr) {
    this.tty = stream.isTTY === true;
  }

  batch(p: BatchProgress): void {
    if (!this.tty) {
      const every = Math.max(1, Math.ceil(p.batches / this.linesPerEpoch));
      if (p.batch % every === 0 || p.batch === p.batches) this.stream.write(`${formatBatch(p)}\n`);
      return;
    }
    const payload = {
      epoch: `${p.epoch}/${p.epochs}`,
      loss: p.loss.toFixed(4),
      acc: pct(p.accuracy),
      ips: String(Math.round(p.imagesPerSecond)),
    };
    if (!this.bar) {
      this.bar = new cliProgress.SingleBar(
        {
          stream: this.stream,
          format: 'epoch {epoch} [{bar}] batch {value}/{total} | loss {loss} | acc {acc} | {ips} images/s | eta {eta_formatted}',
          barsize: 24,
          hideCursor: true,
          etaBuffer: 50,
        },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(p.batches, 0, payload);
    }
    this.bar.update(p.batch, payload);
  }

  /** Ends the epoch's bar and prints its summary. */
  epoch(r: EpochResult, epochs: number): void {
    this.stopBar();
    this.stream.write(`${formatEpoch(r, epochs)}\n`);
  }

  line(text: string): void {
    this.stopBar();
    this.stream.write(`${text}\n`);
  }

  stopBar(): void {
    if (this.bar) {
      this.bar.stop();
      this.bar = null;
    }
  }
}
