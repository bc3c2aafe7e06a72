import type { LiveEvent, RunEvent } from '../engine/events.js';
import type { OutStream } from '../core/out-stream.js';
import type { RunRenderer } from './renderer.js';

/** `--json`: every journal event as one JSON line, the same objects the journal holds. */
export class JsonRenderer implements RunRenderer {
  constructor(private readonly out: OutStream) {}

  event(e: RunEvent): void {
    this.out.write(`${JSON.stringify(e)}\n`);
  }

  live(_e: LiveEvent): void {}

  async close(): Promise<void> {}
}
