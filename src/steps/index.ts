import type { AnyStepKind, StepKindRegistry } from './kind.js';
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
const builtIn: readonly AnyStepKind[] = [shell, sqlCheck, countCompare, httpSmoke, confirm, envSwitch, sqliteToPg, note, sqliteBackup];

/** What is wrong with a kind's shape, if anything: the boundary check of the plug-in contract. */
function malformed(kind: AnyStepKind): string | undefined {
  const missing = (['kind', 'summary', 'schema', 'outputs', 'describe', 'run'] as const).filter(
    (f) => (kind as unknown as Record<string, unknown>)[f] === undefined,
  );
  if (missing.length > 0) return `step kind "${String(kind.kind)}" is missing ${missing.join(', ')}`;
  if (!/^[a-z][a-z0-9-]*$/.test(kind.kind)) return `step kind name "${kind.kind}" must be kebab-case (a-z, 0-9, -)`;
  return undefined;
}

/** A new registry holding the built-in kinds; plug-ins are registered into it by whoever made it. */
export function createStepKindRegistry(): StepKindRegistry {
  const kinds = new Map<string, AnyStepKind>(builtIn.map((k) => [k.kind, k]));
  return {
    get: (name) => kinds.get(name),
    all: () => [...kinds.values()],
    register(kind) {
      const problem = malformed(kind);
      if (problem !== undefined) throw new Error(problem);
      kinds.set(kind.kind, kind);
    },
  };
}

export type * from './kind.js';
