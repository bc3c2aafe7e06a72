import type pc from 'picocolors';
import type { FieldChange, PlanChange, PlanDiff, RollbackChange } from './diff-model.js';
import { affectedName, isMultiLine, lineDiff, movedText, subject, summary } from './diff-lines.js';

/** Colour functions (picocolors), real or no-ops. */
export type Colors = ReturnType<typeof pc.createColors>;

const marks = { added: '+', removed: '-', changed: '~' } as const;

function fieldLines(f: FieldChange, indent: string, c: Colors): string[] {
  if (isMultiLine(f)) {
    const body = lineDiff(f).map((l) => `${indent}  ${l.startsWith('+') ? c.green(l) : l.startsWith('-') ? c.red(l) : l}`);
    return [`${indent}${c.dim(`${f.field}:`)}`, ...body];
  }
  if (f.old === undefined) return [`${indent}${c.dim(`${f.field}:`)} ${f.new ?? ''}`];
  return [`${indent}${c.dim(`${f.field}:`)} ${c.red(f.old)} → ${f.new === undefined ? c.dim('(none)') : c.green(f.new)}`];
}

function rollbackLines(r: RollbackChange, indent: string, c: Colors): string[] {
  const head = `${indent}rollback ${r.index} ${r.status} (${r.kind})${r.title ? ` ${r.title}` : ''}`;
  return [
    r.status === 'added' ? c.green(head) : r.status === 'removed' ? c.red(head) : c.yellow(head),
    ...r.fields.flatMap((f) => fieldLines(f, `${indent}  `, c)),
  ];
}

function changeLines(ch: PlanChange, c: Colors): string[] {
  const head = `${marks[ch.status]} ${subject(ch)}`;
  const color = ch.status === 'added' ? c.green : ch.status === 'removed' ? c.red : c.yellow;
  return [
    c.bold(color(head)),
    ...(ch.moved ? [`    ${c.cyan(movedText(ch.moved, (s) => `"${s}"`))}`] : []),
    ...ch.fields.flatMap((f) => fieldLines(f, '    ', c)),
    ...ch.rollback.flatMap((r) => rollbackLines(r, '    ', c)),
    ...(ch.affected ?? []).flatMap((f) => fieldLines({ ...f, field: affectedName(f) }, '    ', c)),
    ...ch.risks.map((r) => `    ${c.bold(c.magenta(`! ${r.message}`))}`),
  ];
}

/** The diff for a terminal (colours when `c` has them), one block per change, risks marked `!`. */
export function formatDiffText(d: PlanDiff, c: Colors): string {
  if (d.same) return `${d.old} and ${d.new} mean the same\n`;
  const lines = [c.bold(`${d.old} → ${d.new}`), ...d.changes.flatMap((ch) => changeLines(ch, c)), '', summary(d)];
  return `${lines.join('\n')}\n`;
}
