import type { LiveEvent } from '../engine/events.js';

type ProgressEvent = Extract<LiveEvent, { type: 'step-progress' }>;

interface Counter {
  done: number;
  total?: number;
  unit?: string;
  readonly startedAt: number;
  at: number;
}

const count = (n: number) => Math.round(n).toLocaleString('en-US');

/** One counter as people read it: `tags 300,000/1,000,000 rows, 210,000 rows/s`. */
function describe(label: string, c: Counter): string {
  const seconds = (c.at - c.startedAt) / 1000;
  const unit = c.unit ?? '';
  const rate = seconds > 0.2 && c.done > 0 ? `, ${count(c.done / seconds)} ${unit ? `${unit}/s` : '/s'}` : '';
  return `${label ? `${label} ` : ''}${count(c.done)}${c.total !== undefined ? `/${count(c.total)}` : ''}${unit ? ` ${unit}` : ''}${rate}`;
}

/**
 * Keeps the progress of every counter of every step (a transfer loads several tables at once)
 * and turns it into one line per step with done/total and a rate for each counter.
 */
export class ProgressBoard {
  private readonly steps = new Map<string, Map<string, Counter>>();

  /** Records an event; returns the step's line and the line for this counter alone. */
  update(e: ProgressEvent, now = Date.now()): { step: string; counter: string } {
    let counters = this.steps.get(e.step);
    if (!counters) this.steps.set(e.step, (counters = new Map()));
    const label = e.label ?? '';
    const c = counters.get(label) ?? { done: 0, startedAt: now, at: now };
    c.done = e.done;
    c.at = now;
    if (e.total !== undefined) c.total = e.total;
    if (e.unit !== undefined) c.unit = e.unit;
    counters.set(label, c);
    const step = [...counters].map(([l, x]) => describe(l, x)).join(' · ');
    return { step, counter: describe(label, c) };
  }
}
