import { describe, expect, it } from 'vitest';
import type { AnyStepKind } from '../../../src/steps/kind.js';
import { shell } from '../../../src/steps/shell.js';
import { sqlCheck } from '../../../src/steps/sql-check.js';
import { countCompare } from '../../../src/steps/count-compare.js';
import { httpSmoke } from '../../../src/steps/http-smoke.js';
import { confirm } from '../../../src/steps/confirm.js';
import { envSwitch } from '../../../src/steps/env-switch.js';
import { sqliteToPg } from '../../../src/steps/sqlite-to-pg.js';
import { note } from '../../../src/steps/note.js';
import { sqliteBackup } from '../../../src/steps/sqlite-backup.js';
import { resolveCountCompareSpec } from '../../../src/steps/count-compare/spec-schema.js';
import { resolveEnvSwitchSpec } from '../../../src/steps/env-switch/schema.js';
import { resolveSqliteToPgSpec } from '../../../src/steps/sqlite-to-pg/schema.js';
import { resolveSqliteBackupSpec } from '../../../src/steps/sqlite-backup/schema.js';

type Resolver = (spec: never) => object;

/** Every built-in kind, with the function that fills its spec's defaults where its schema declares any. */
const kinds: readonly (readonly [AnyStepKind, Resolver | undefined])[] = [
  [shell, undefined],
  [sqlCheck, undefined],
  [countCompare, resolveCountCompareSpec],
  [httpSmoke, undefined],
  [confirm, undefined],
  [envSwitch, resolveEnvSwitchSpec],
  [sqliteToPg, resolveSqliteToPgSpec],
  [note, undefined],
  [sqliteBackup, resolveSqliteBackupSpec],
];

/** Where a `default:` sits in a schema fragment, as a path of property names. */
function defaultsIn(schema: unknown, at: string): string[] {
  if (typeof schema !== 'object' || schema === null) return [];
  return Object.entries(schema).flatMap(([k, v]) => (k === 'default' ? [at] : defaultsIn(v, `${at}.${k}`)));
}

const topLevelDefaults = (kind: AnyStepKind) =>
  Object.entries(kind.schema.properties).filter(([, s]) => 'default' in s) as [string, { default: unknown }][];

/** The smallest spec a plan could give: every required field, with a placeholder. */
const minimalSpec = (kind: AnyStepKind) => Object.fromEntries((kind.schema.required ?? []).map((name) => [name, 'placeholder']));

describe.each(kinds.map(([kind, resolve]) => ({ name: kind.kind, kind, resolve })))('the defaults of $name', ({ kind, resolve }) => {
  it('are declared only on top-level fields, where the resolver fills them', () => {
    const found = defaultsIn(kind.schema.properties, 'properties');
    expect(found).toEqual(topLevelDefaults(kind).map(([name]) => `properties.${name}`));
  });

  it.runIf(topLevelDefaults(kind).length > 0)('are exactly what resolving the smallest spec fills in', () => {
    const minimal = minimalSpec(kind);
    expect(resolve, `${kind.kind} declares defaults, so it resolves its spec`).toBeDefined();
    expect(resolve?.(minimal as never)).toEqual({
      ...minimal,
      ...Object.fromEntries(topLevelDefaults(kind).map(([name, s]) => [name, s.default])),
    });
  });

  it.runIf(resolve !== undefined)('never replace a value the step gives', () => {
    const given = { ...minimalSpec(kind), ...Object.fromEntries(topLevelDefaults(kind).map(([name]) => [name, `given ${name}`])) };
    expect(resolve?.(given as never)).toEqual(given);
  });
});

it('every built-in kind is in the table above', async () => {
  const { allStepKinds } = await import('../../../src/steps/index.js');
  expect(kinds.map(([k]) => k.kind)).toEqual(allStepKinds().map((k) => k.kind));
});
