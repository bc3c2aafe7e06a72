import type { StepKindRegistry } from '../steps/kind.js';
import type { ConnectionDecl, Plan, VarDecl } from '../plan/model.js';
import type { FieldChange, PlanChange, PlanDiff, RiskNote } from './diff-model.js';
import { diffFinally, diffPlugins } from './diff-reuse.js';
import { diffSteps } from './diff-steps.js';
import type { Sides } from './fields.js';
import { sameData, showValue } from './flatten.js';
import { reviewMasker, StaticRenderer } from './static-render.js';
import { defaultEffects } from './var-effects.js';

const varFields = ['type', 'default', 'choices', 'pattern', 'env', 'secret', 'required', 'description'] as const;

/** Compares fields of two plain records; `shown` turns a value into display text. */
function recordChanges(
  a: Record<string, unknown> | undefined,
  b: Record<string, unknown> | undefined,
  keys: readonly string[],
  shown: (v: unknown, key: string) => string,
): FieldChange[] {
  const out: FieldChange[] = [];
  for (const key of keys) {
    const x = a?.[key];
    const y = b?.[key];
    if (sameData(x, y)) continue;
    out.push({ field: key, ...(x !== undefined && { old: shown(x, key) }), ...(y !== undefined && { new: shown(y, key) }) });
  }
  return out;
}

/** A var as a new one reads: only what its author set (the model fills in type, required, secret). */
function newVarRecord(v: VarDecl): Record<string, unknown> {
  return {
    ...v,
    ...(v.type === 'string' && { type: undefined }),
    ...(!v.required && { required: undefined }),
    ...(!v.secret && { secret: undefined }),
  };
}

function diffVars(before: readonly VarDecl[], after: Plan, sides: Sides): PlanChange[] {
  const names = [...new Set([...after.vars.map((v) => v.name), ...before.map((v) => v.name)])];
  const changes: PlanChange[] = [];
  for (const name of names) {
    const a = before.find((v) => v.name === name);
    const b = after.vars.find((v) => v.name === name);
    const secret = a?.secret === true || b?.secret === true;
    const shown = (v: unknown, key: string) => (key === 'default' && secret ? '****' : sides.masker.mask(showValue(v)));
    // A new var lists what it is; a removed one only its name.
    const fields = !b
      ? []
      : a
        ? recordChanges({ ...a }, { ...b }, varFields, shown)
        : recordChanges(undefined, newVarRecord(b), varFields, shown);
    if (a && b && fields.length === 0) continue;
    const risks: RiskNote[] =
      a?.secret === true && b !== undefined && !b.secret
        ? [
            {
              risk: 'secret-unmasked',
              message: `secret no longer masked: var "${name}" is not secret any more; its value will show in output, logs and reports`,
            },
          ]
        : [];
    const effects =
      a && b && fields.some((f) => f.field === 'default') ? defaultEffects(name, a.default, after, sides.masker, sides.kinds) : undefined;
    risks.push(...(effects?.risks ?? []));
    changes.push({
      target: 'var',
      name,
      status: !a ? 'added' : !b ? 'removed' : 'changed',
      fields,
      rollback: [],
      ...(effects?.affected.length && { affected: effects.affected }),
      risks,
    });
  }
  return changes;
}

function connectionRecord(c: ConnectionDecl | undefined): Record<string, unknown> | undefined {
  return c && (c.type === 'sqlite' ? { sqlite: c.path } : { postgres: c.url });
}

function diffConnections(before: readonly ConnectionDecl[], after: readonly ConnectionDecl[], sides: Sides): PlanChange[] {
  const names = [...new Set([...after.map((c) => c.name), ...before.map((c) => c.name)])];
  const changes: PlanChange[] = [];
  for (const name of names) {
    const a = before.find((c) => c.name === name);
    const b = after.find((c) => c.name === name);
    const oldRec = connectionRecord(a);
    const newRec = connectionRecord(b);
    const fields: FieldChange[] = [];
    for (const key of ['sqlite', 'postgres']) {
      const x = oldRec?.[key] as string | undefined;
      const y = newRec?.[key] as string | undefined;
      if (x === y || b === undefined) continue;
      let oldText = x === undefined ? undefined : sides.masker.mask(sides.old.render(x));
      let newText = y === undefined ? undefined : sides.masker.mask(sides.new.render(y));
      if (oldText !== undefined && oldText === newText) [oldText, newText] = [sides.masker.mask(x!), sides.masker.mask(y!)];
      fields.push({ field: key, ...(oldText !== undefined && { old: oldText }), ...(newText !== undefined && { new: newText }) });
    }
    if (a && b && fields.length === 0) continue;
    changes.push({ target: 'connection', name, status: !a ? 'added' : !b ? 'removed' : 'changed', fields, rollback: [], risks: [] });
  }
  return changes;
}

const planFields = ['name', 'title', 'description'] as const;

/** Compares two plans by meaning; either may be missing (a plan added or deleted in git). */
export function diffPlans(
  before: Plan | undefined,
  after: Plan | undefined,
  labels: { readonly old: string; readonly new: string },
  kinds: StepKindRegistry,
): PlanDiff {
  const empty: Plan = {
    file: '/dev/null',
    version: 1,
    name: after?.name ?? before?.name ?? '',
    vars: [],
    connections: [],
    steps: [],
    finally: [],
    plugins: [],
  };
  const a = before ?? empty;
  const b = after ?? empty;
  const masker = reviewMasker([a, b]);
  const sides: Sides = { old: new StaticRenderer(a, masker), new: new StaticRenderer(b, masker), masker, kinds };
  const plugins = diffPlugins(a, b);
  const planChanges = [
    ...recordChanges(a as unknown as Record<string, unknown>, b as unknown as Record<string, unknown>, planFields, (v) =>
      sides.masker.mask(String(v)),
    ),
    ...plugins.fields,
  ];
  const changes: PlanChange[] = [
    ...(planChanges.length > 0
      ? [{ target: 'plan' as const, name: b.name, status: 'changed' as const, fields: planChanges, rollback: [], risks: plugins.risks }]
      : []),
    ...diffVars(a.vars, b, sides),
    ...diffConnections(a.connections, b.connections, sides),
    ...diffSteps(a, b, sides),
    ...diffFinally(a, b, sides),
  ];
  return { old: labels.old, new: labels.new, same: changes.length === 0, changes };
}
