import type { AnyStepKind } from './kind.js';
import { shell } from './shell.js';
import { sqlCheck } from './sql-check.js';
import { countCompare } from './count-compare.js';
import { httpSmoke } from './http-smoke.js';
import { confirm } from './confirm.js';
import { envSwitch } from './env-switch.js';
import { sqliteToPg } from './sqlite-to-pg.js';
import { note } from './note.js';
import { sqliteBackup } from './sqlite-backup.js';

/** Every built-in step kind, in the order `runbook schema` lists them. Adding a kind = one line here. */
const builtIn: AnyStepKind[] = [shell, sqlCheck, countCompare, httpSmoke, confirm, envSwitch, sqliteToPg, note, sqliteBackup];

const registry = new Map<string, AnyStepKind>(builtIn.map((k) => [k.kind, k]));

/** Adds a step kind (built-in or a plug-in). Rejects a malformed kind with a message saying what is missing. */
export function registerStepKind(kind: AnyStepKind): void {
  const missing = (['kind', 'summary', 'schema', 'outputs', 'describe', 'run'] as const).filter(
    (f) => (kind as unknown as Record<string, unknown>)[f] === undefined,
  );
  if (missing.length > 0) {
    throw new Error(`step kind "${String(kind.kind)}" is missing ${missing.join(', ')}`);
  }
  if (!/^[a-z][a-z0-9-]*$/.test(kind.kind)) {
    throw new Error(`step kind name "${kind.kind}" must be kebab-case (a-z, 0-9, -)`);
  }
  registry.set(kind.kind, kind);
}

/** The kind registered under a name, if any. */
export function getStepKind(name: string): AnyStepKind | undefined {
  return registry.get(name);
}

/** All registered kinds, built-in first. */
export function allStepKinds(): readonly AnyStepKind[] {
  return [...registry.values()];
}

export type * from './kind.js';
