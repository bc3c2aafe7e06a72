import type { RunObserver } from '../engine/events.js';

/** Draws a run on a screen or a log; it only listens, it never runs anything. */
export interface RunRenderer extends RunObserver {
  /** Waits until everything is drawn. */
  close(): Promise<void>;
}
