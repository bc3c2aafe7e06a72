import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';

// Every shipped plan is fuzzed, so a new one is too.
const shipped = ['plans', 'plans/examples'].flatMap((dir) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => join(dir, f)),
);
const numRuns = Number(process.env.RUNBOOK_FUZZ_RUNS ?? 2000);
// A fixed seed by default: the suite gives the same answer on every run; RUNBOOK_FUZZ_SEED=random explores further.
const seedText = process.env.RUNBOOK_FUZZ_SEED ?? '20261206';
const seed = seedText === 'random' ? undefined : Number(seedText);
// A case takes milliseconds; one that has not ended after this long is a hang, not a slow machine.
const hangAfterMs = 60_000;

interface Outcome {
  readonly cases: number;
  readonly error?: string;
  readonly hung?: string;
}

/** Runs the fuzzing worker; a case that never ends is stopped and its plan reported. */
function fuzz(): Promise<Outcome> {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-fuzz-'));
  const plans = Object.fromEntries(shipped.map((f) => [f, readFileSync(f, 'utf8')]));
  const worker = new Worker(resolve('test/helpers/fuzz-plans-worker.mjs'), {
    workerData: { root: process.cwd(), dir, plans, numRuns, seed },
  });
  return new Promise((done) => {
    let cases = 0;
    let watchdog: NodeJS.Timeout | undefined;
    const watch = () => {
      clearTimeout(watchdog);
      watchdog = setTimeout(() => {
        void worker.terminate();
        done({
          cases,
          hung: `case ${cases} did not end; its plans:\n--- original.yaml\n${readFileSync(join(dir, 'original.yaml'), 'utf8')}\n--- mutated.yaml\n${readFileSync(join(dir, 'mutated.yaml'), 'utf8')}`,
        });
      }, hangAfterMs);
    };
    watch();
    worker.on('message', (m: { type: 'case'; n: number } | { type: 'done'; cases: number; error?: string }) => {
      if (m.type === 'case') {
        cases = m.n;
        return watch();
      }
      clearTimeout(watchdog);
      void worker.terminate();
      done({ cases: m.cases, ...(m.error !== undefined && { error: m.error }) });
    });
    worker.on('error', (e) => {
      clearTimeout(watchdog);
      done({ cases, error: e.stack ?? e.message });
    });
  });
}

describe('fuzzing the shipped plans (fast-check; seed with RUNBOOK_FUZZ_SEED, count with RUNBOOK_FUZZ_RUNS)', () => {
  it(`${numRuns} random mutations never crash or hang validate, plan, explain, fmt or diff: each gives error diagnostics or a clean result`, async () => {
    expect(shipped.length).toBeGreaterThan(1);
    const outcome = await fuzz();
    expect(outcome.hung).toBeUndefined();
    expect(outcome.error).toBeUndefined();
    expect(outcome.cases).toBe(numRuns);
  }, 1_800_000);
});
