import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Masker } from '../../../src/core/mask.js';
import type { LiveEvent, RunEvent, RunObserver } from '../../../src/engine/events.js';
import { Journal, readJournal } from '../../../src/run/journal.js';
import { JsonRenderer } from '../../../src/ui/json.js';
import { maskingObserver } from '../../../src/ui/masking-observer.js';
import { PlainRenderer } from '../../../src/ui/plain.js';

const secret = 's3cr3t-Pa55';
const at = '2026-01-02T03:04:05.000Z';
const said = (what: string) => `${what} ${secret}`;

/** One event of each kind the engine emits, with the secret in every field that carries text. */
const events: RunEvent[] = [
  {
    type: 'run-start',
    at,
    runId: 'r1',
    runDir: '/runs/r1',
    plan: { name: 'p', file: 'p.yaml', sha256: 'abc', title: said('plan title') },
    vars: { url: `postgres://u:${secret}@h/db`, list: [said('item')] as never },
    steps: [
      { id: 'a', kind: 'shell', title: said('step title') },
      { id: 'z', kind: 'note', title: said('finally title'), finally: true },
    ],
    cwd: '/w',
    options: { yes: false, rollback: true },
  },
  { type: 'step-start', at, step: 'a', index: 0, kind: 'shell', title: said('title'), attempt: 1, inputs: { run: said('echo') } },
  { type: 'step-retry', at, step: 'a', attempt: 2, error: said('retry error'), delayMs: 10 },
  { type: 'step-output', at, step: 'a', outputs: { out: said('stdout'), nested: { deep: [said('deep')] } }, env: { KEY: said('env') } },
  {
    type: 'step-end',
    at,
    step: 'a',
    index: 0,
    status: 'failed',
    durationMs: 5,
    error: said('message'),
    hint: said('hint'),
    reason: said('reason'),
    note: said('note'),
    warnings: [said('warning')],
    undo: { token: said('undo') },
    rollback: [{ kind: 'shell', title: said('rollback title'), inputs: { run: said('undo it') } }],
  },
  { type: 'rollback-start', at, reason: said('because'), steps: ['a'], nothingToUndo: [] },
  { type: 'rollback-step', at, step: 'a', actions: 1, nothingToUndo: false },
  { type: 'rollback-action-start', at, step: 'a', action: 0, kind: 'shell', title: said('action'), inputs: { run: said('run') } },
  {
    type: 'rollback-action-end',
    at,
    step: 'a',
    action: 0,
    title: said('action'),
    status: 'failed',
    durationMs: 1,
    error: said('error'),
    hint: said('hint'),
    note: said('note'),
    warnings: [said('warning')],
  },
  { type: 'rollback-end', at, complete: false, failed: ['a'], byHand: [said('by hand')] },
  { type: 'fault', at, message: said('fault'), during: 'step a' },
];

const live: LiveEvent[] = [
  { type: 'step-line', step: 'a', line: said('line') },
  { type: 'step-progress', step: 'a', label: said('table'), done: 1, total: 1, unit: 'rows' },
];

/** Every string anywhere inside a value. */
const strings = (v: unknown): string[] =>
  typeof v === 'string' ? [v] : v && typeof v === 'object' ? Object.values(v).flatMap(strings) : [];

function run(): { journal: RunEvent[]; plain: string; json: string } {
  const dir = mkdtempSync(join(tmpdir(), 'masking-'));
  const journal = new Journal(join(dir, 'journal.jsonl'));
  let plain = '';
  let json = '';
  const renderers = [
    new PlainRenderer({ write: (t: string) => (plain += t) } as never, false),
    new JsonRenderer({ write: (t: string) => (json += t) } as never),
  ];
  const inner: RunObserver = {
    event: (e) => {
      journal.append(e);
      for (const r of renderers) r.event(e);
    },
    live: (e) => renderers.forEach((r) => r.live(e)),
  };
  const observer = maskingObserver(new Masker([secret]), inner);
  events.forEach((e) => observer.event(e));
  live.forEach((e) => observer.live(e));
  return { journal: readJournal(join(dir, 'journal.jsonl')), plain, json };
}

describe('the masking observer', () => {
  const out = run();

  it('the events carry the secret in every text field before masking', () => {
    expect(strings(events).filter((s) => s.includes(secret)).length).toBeGreaterThan(25);
  });

  it('writes every event to the journal with no secret left in any field', () => {
    expect(out.journal).toHaveLength(events.length);
    expect(strings(out.journal).filter((s) => s.includes(secret))).toEqual([]);
    expect(strings(out.journal).filter((s) => s.includes('****')).length).toBe(strings(events).filter((s) => s.includes(secret)).length);
  });

  it('shows the renderers every event and live line masked', () => {
    for (const text of [out.plain, out.json]) expect(text).not.toContain(secret);
    expect(out.plain).toContain('line ****');
    expect(out.plain).toContain('table ****');
    expect(out.plain).toContain('cannot go on: fault ****');
    expect(out.json).toContain('"error":"message ****"');
  });

  it('keeps the names the journal is matched by as they are', () => {
    const seen: RunEvent[] = [];
    const masked = maskingObserver(new Masker(['shell', 'step-one']), { event: (e) => seen.push(e), live: () => {} });
    masked.event({ type: 'step-start', at, step: 'step-one', index: 0, kind: 'shell', title: 'shell step-one', attempt: 1, inputs: {} });
    expect(seen).toEqual([
      { type: 'step-start', at, step: 'step-one', index: 0, kind: 'shell', title: '**** ****', attempt: 1, inputs: {} },
    ]);
    const start = out.journal[0] as Extract<RunEvent, { type: 'run-start' }>;
    expect(start.steps.map((s) => [s.id, s.kind])).toEqual([
      ['a', 'shell'],
      ['z', 'note'],
    ]);
    expect(start.plan).toEqual({ name: 'p', file: 'p.yaml', sha256: 'abc', title: 'plan title ****' });
  });

  it('masks a field it does not know, so a field added to an event later is masked until it is listed', () => {
    const seen: RunEvent[] = [];
    const masked = maskingObserver(new Masker([secret]), { event: (e) => seen.push(e), live: () => {} });
    const withNewField = { type: 'fault', at, message: said('m'), during: 'step a', detail: { why: said('new') } } as RunEvent;
    masked.event(withNewField);
    expect(seen).toEqual([{ type: 'fault', at, message: 'm ****', during: 'step a', detail: { why: 'new ****' } }]);
  });
});
