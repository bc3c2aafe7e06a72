import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConnectionSpec } from '../../src/core/connection.js';
import type { StepContext } from '../../src/steps/kind.js';

/** What a test can read back after running a step directly. */
export interface RecordedContext extends StepContext {
  readonly lines: string[];
  readonly warnings: string[];
}

/**
 * A real StepContext for calling a kind's `run` directly: a real temp work dir and step dir,
 * the real process environment, connections from a plain map.
 */
export function stepContext(
  overrides: Partial<StepContext> & { readonly connections?: Record<string, ConnectionSpec>; readonly secrets?: readonly string[] } = {},
): RecordedContext {
  const root = mkdtempSync(join(tmpdir(), 'runbook-step-'));
  mkdirSync(join(root, '.step'), { mode: 0o700 });
  const lines: string[] = [];
  const warnings: string[] = [];
  const secrets = overrides.secrets ?? [];
  const mask = (text: string) => secrets.reduce((t, s) => (s ? t.split(s).join('****') : t), text);
  return {
    stepId: 'test-step',
    workDir: root,
    stepDir: join(root, '.step'),
    env: { ...process.env },
    connection(name: string) {
      const c = overrides.connections?.[name];
      if (!c) throw new Error(`test context has no connection "${name}"`);
      return c;
    },
    signal: new AbortController().signal,
    assumeYes: false,
    output: (line: string) => lines.push(line),
    progress: () => {},
    mask,
    warn: (m: string) => warnings.push(m),
    lines,
    warnings,
    ...overrides,
  };
}
