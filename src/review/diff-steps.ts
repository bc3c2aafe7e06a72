import type { Plan, StepDecl } from '../plan/model.js';
import type { FieldChange, PlanChange, RiskNote, RollbackChange } from './diff-model.js';
import { changedLeaves, fieldChanges, type Sides } from './fields.js';
import { sameData } from './flatten.js';
import { gateRisks } from './gates.js';
import { orderRisks } from './order.js';
import { addedStepRisks, removedStepRisks, rollbackRisks, stepFieldRisks } from './risk.js';
import { diffSequence } from './sequence.js';

/** A new action's fields without its kind, which the heading already names. */
const withoutKind = (fields: FieldChange[]) => fields.filter((f) => f.field !== 'kind');

function comparable(a: StepDecl['rollback'][number]): unknown {
  const { path: _path, ...rest } = a;
  return rest;
}

/** Rollback lists compared in order; a removal next to an addition reads as one changed action. */
function rollbackChanges(
  id: string,
  before: StepDecl | undefined,
  after: StepDecl | undefined,
  sides: Sides,
): { changes: RollbackChange[]; risks: RiskNote[] } {
  const a = before?.rollback ?? [];
  const b = after?.rollback ?? [];
  const ops = diffSequence(a, b, (x, y) => sameData(comparable(x), comparable(y)));
  const changes: RollbackChange[] = [];
  const risks: RiskNote[] = [];
  for (let k = 0; k < ops.length; k++) {
    const op = ops[k]!;
    const next = ops[k + 1];
    if (op.op === 'keep') continue;
    if (op.op === 'remove' && next?.op === 'add') {
      k++;
      const changed = changedLeaves(op.old, next.new);
      changes.push({
        status: 'changed',
        index: next.newIndex + 1,
        kind: next.new.kind,
        ...(next.new.title !== undefined && { title: next.new.title }),
        fields: fieldChanges(op.old, next.new, sides),
      });
      if (before && after) risks.push(...rollbackRisks(id, next.newIndex + 1, b.length, op.old, next.new, changed));
    } else if (op.op === 'remove') {
      changes.push({
        status: 'removed',
        index: op.oldIndex + 1,
        kind: op.old.kind,
        ...(op.old.title !== undefined && { title: op.old.title }),
        fields: [],
      });
      if (before && after) risks.push(...rollbackRisks(id, op.oldIndex + 1, b.length, op.old, undefined, []));
    } else {
      changes.push({
        status: 'added',
        index: op.newIndex + 1,
        kind: op.new.kind,
        ...(op.new.title !== undefined && { title: op.new.title }),
        fields: withoutKind(fieldChanges(undefined, op.new, sides)).filter((f) => f.field !== 'title'),
      });
      if (before && after) risks.push(...rollbackRisks(id, op.newIndex + 1, b.length, undefined, op.new, []));
    }
  }
  // One note when the whole rollback went, rather than one per action.
  if (b.length === 0 && a.length > 0) return { changes, risks: [risks.find((r) => r.risk === 'rollback-removed')!].filter(Boolean) };
  return { changes, risks };
}

/** Steps matched by id: added, removed, moved (against the longest run kept in order) and changed. */
export function diffSteps(beforePlan: Plan, afterPlan: Plan, sides: Sides): PlanChange[] {
  const before = beforePlan.steps;
  const after = afterPlan.steps;
  const reordered = orderRisks(beforePlan, afterPlan, sides.new, sides.kinds);
  const oldIds = new Map(before.map((s, i) => [s.id, i]));
  const newIds = new Map(after.map((s, i) => [s.id, i]));
  const gates = gateRisks(before, after);
  const order = diffSequence(
    before.map((s) => s.id),
    after.map((s) => s.id),
    (x, y) => x === y,
  );
  const changes: PlanChange[] = [];
  for (const op of order) {
    if (op.op === 'remove') {
      if (newIds.has(op.old)) continue;
      const step = before[op.oldIndex]!;
      const risks = [...removedStepRisks(step), ...(gates.get(step.id) ?? [])];
      changes.push({ target: 'step', name: step.id, status: 'removed', kind: step.kind, fields: [], rollback: [], risks });
      continue;
    }
    const step = after[op.newIndex]!;
    const was = oldIds.get(step.id);
    if (was === undefined) {
      const rollback = rollbackChanges(step.id, undefined, step, sides);
      changes.push({
        target: 'step',
        name: step.id,
        status: 'added',
        kind: step.kind,
        fields: withoutKind(fieldChanges(undefined, step, sides)),
        rollback: rollback.changes,
        risks: addedStepRisks(step),
      });
      continue;
    }
    const old = before[was]!;
    const fields = fieldChanges(old, step, sides);
    const rollback = rollbackChanges(step.id, old, step, sides);
    const moved =
      op.op === 'add' ? { from: was + 1, to: op.newIndex + 1, ...(op.newIndex > 0 && { after: after[op.newIndex - 1]!.id }) } : undefined;
    const risks = [
      ...stepFieldRisks(step.id, old, step, changedLeaves(old, step), sides.kinds),
      ...rollback.risks,
      ...(gates.get(step.id) ?? []),
      ...(reordered.get(step.id) ?? []),
    ];
    if (fields.length === 0 && rollback.changes.length === 0 && !moved && risks.length === 0) continue;
    changes.push({
      target: 'step',
      name: step.id,
      status: 'changed',
      kind: step.kind,
      ...(moved && { moved }),
      fields,
      rollback: rollback.changes,
      risks,
    });
  }
  return changes;
}
