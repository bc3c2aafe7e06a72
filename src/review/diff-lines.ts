import type { AffectedField, FieldChange, PlanChange, PlanDiff } from './diff-model.js';
import { diffSequence } from './sequence.js';

/** What a change is about, as a reviewer names it: `step "backup" (shell)`, `var "database_url"`. */
export function subject(c: PlanChange): string {
  if (c.target === 'plan') return `plan "${c.name}"`;
  if (c.target === 'finally-step') return `finally step "${c.name}"${c.kind ? ` (${c.kind})` : ''}`;
  return `${c.target} "${c.name}"${c.kind ? ` (${c.kind})` : ''}`;
}

/** A multi-line value change as lines prefixed `-`, `+` or a space, like a unified diff. */
export function lineDiff(f: FieldChange): string[] {
  const a = f.old === undefined ? [] : f.old.replace(/\n$/, '').split('\n');
  const b = f.new === undefined ? [] : f.new.replace(/\n$/, '').split('\n');
  return diffSequence(a, b, (x, y) => x === y).map((op) =>
    op.op === 'keep' ? `  ${op.new}` : op.op === 'add' ? `+ ${op.new}` : `- ${op.old}`,
  );
}

/** True when a field change reads better as a line diff than as `old → new`. */
export function isMultiLine(f: FieldChange): boolean {
  return (f.old ?? '').replace(/\n$/, '').includes('\n') || (f.new ?? '').replace(/\n$/, '').includes('\n');
}

/** Counts for the summary line. */
export function summary(d: PlanDiff): string {
  const n = d.changes.length;
  const risks = d.changes.reduce((sum, c) => sum + c.risks.length, 0);
  return `${n} change${n === 1 ? '' : 's'}, ${risks} risk note${risks === 1 ? '' : 's'}`;
}

/** How a step's move reads: `moved from 2 to 4, after "check"`. */
export function movedText(m: NonNullable<PlanChange['moved']>, quote: (s: string) => string): string {
  return `moved from ${m.from} to ${m.to}, ${m.after ? `after ${quote(m.after)}` : 'now first'}`;
}

/** How a field re-rendered by a var's new default is named: `step "prune" run, re-rendered`. */
export function affectedName(f: AffectedField): string {
  return `${f.rollback === undefined ? '' : `rollback ${f.rollback} of `}step "${f.step}" ${f.field}, re-rendered`;
}
