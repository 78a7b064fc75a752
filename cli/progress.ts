/** A one-line progress display on stderr, only when stderr is a terminal (never in CI or pipes). */
import { isTerminal } from './io.ts';

export class Progress {
  private last = 0;
  private readonly enabled = isTerminal();

  update(text: string): void {
    if (!this.enabled) return;
    const now = performance.now();
    if (now - this.last < 100) return;
    this.last = now;
    process.stderr.write(`\r\x1b[K${text}`);
  }

  bar(label: string, done: number, total: number, extra = ''): void {
    const width = 24;
    const filled = Math.round((done / Math.max(1, total)) * width);
    this.update(`${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${extra}`);
  }

  done(): void {
    if (this.enabled) process.stderr.write('\r\x1b[K');
  }
}
