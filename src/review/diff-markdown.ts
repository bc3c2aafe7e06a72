import type { FieldChange, PlanChange, PlanDiff, RollbackChange } from './diff-model.js';
import { affectedName, isMultiLine, lineDiff, movedText, subject, summary } from './diff-lines.js';
import { code, codeBlock } from './markdown.js';

const verbs = { added: 'added', removed: 'removed', changed: 'changed' } as const;

function fieldLines(f: FieldChange, indent: string): string[] {
  if (isMultiLine(f)) return [`${indent}- ${code(f.field)}:`, '', ...codeBlock(lineDiff(f).join('\n'), 'diff', `${indent}  `), ''];
  if (f.old === undefined) return [`${indent}- ${code(f.field)}: ${code(f.new ?? '')}`];
  return [`${indent}- ${code(f.field)}: ${code(f.old)} → ${f.new === undefined ? '*(none)*' : code(f.new)}`];
}

function rollbackLines(r: RollbackChange, indent: string): string[] {
  return [
    `${indent}- rollback ${r.index} **${r.status}** (${r.kind})${r.title ? ` ${r.title}` : ''}`,
    ...r.fields.flatMap((f) => fieldLines(f, `${indent}  `)),
  ];
}

function changeLines(c: PlanChange): string[] {
  return [
    `- **${verbs[c.status]}** ${subject(c).replace(/"([^"]+)"/, (_, n: string) => code(n))}`,
    ...(c.moved ? [`  - ${movedText(c.moved, code)}`] : []),
    ...c.fields.flatMap((f) => fieldLines(f, '  ')),
    ...c.rollback.flatMap((r) => rollbackLines(r, '  ')),
    ...(c.affected ?? []).flatMap((f) => fieldLines({ ...f, field: affectedName(f) }, '  ')),
    ...c.risks.map((r) => `  - ⚠️ **${r.message.split(':')[0]}**:${r.message.slice(r.message.indexOf(':') + 1)}`),
  ];
}

/** The diff as a pull-request comment: risks first, then every change. */
export function formatDiffMarkdown(d: PlanDiff): string {
  const head = `### Plan changes: ${code(d.old)} → ${code(d.new)}`;
  if (d.same) return `${head}\n\nNo change in meaning (only comments, key order or quoting differ, if anything).\n`;
  const risks = d.changes.flatMap((c) =>
    c.risks.map((r) => `> - **${r.message.split(':')[0]}**:${r.message.slice(r.message.indexOf(':') + 1)}`),
  );
  const lines = [head, '', summary(d), ''];
  if (risks.length > 0) lines.push('> [!WARNING]', '> **Review these risks**', '>', ...risks, '');
  lines.push(...d.changes.flatMap(changeLines));
  return `${lines.join('\n')}\n`;
}
