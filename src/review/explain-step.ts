import type { ActionDescription, StepDescription } from '../engine/describe.js';
import type { DescribeLine } from '../steps/kind.js';
import { code, codeBlock } from './markdown.js';

/** Plain words for the labels kinds use in their dry-run lines. */
const labelWords: Readonly<Record<string, string>> = {
  cwd: 'In directory',
  env: 'With environment',
  expect_exit: 'Accepts exit codes',
  outputs: 'Gives later steps',
  on: 'On',
  params: 'Parameters',
  write: 'Writes data',
  expect: 'Expects',
  compare: 'Compares row counts',
  tables: 'Tables',
  where: 'Counting only rows where',
  schema: 'Schema',
  file: 'File',
  set: 'Sets',
  unset: 'Removes',
};

/** Lines whose text is a program: shown as a code block in this language. */
const blocks: Readonly<Record<string, { lead: string; lang: string }>> = {
  run: { lead: 'Runs:', lang: 'sh' },
  query: { lead: 'Query:', lang: 'sql' },
};

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** A kind's dry-run lines as markdown: programs as code blocks, questions quoted, the rest as a list. */
export function describeLinesMarkdown(lines: readonly DescribeLine[], indent = ''): string[] {
  const out: string[] = [];
  let list: string[] = [];
  const flush = () => {
    if (list.length > 0) out.push(...list, '');
    list = [];
  };
  for (const l of lines) {
    const block = blocks[l.label];
    if (block || l.text.replace(/\n$/, '').includes('\n')) {
      flush();
      out.push(
        `${indent}${block?.lead ?? `${labelWords[l.label] ?? capital(l.label)}:`}`,
        '',
        ...codeBlock(l.text, block?.lang ?? '', indent),
        '',
      );
    } else if (l.label === 'ask') {
      flush();
      out.push(`${indent}Asks the operator:`, '', `${indent}> ${l.text}`, '');
    } else {
      list.push(`${indent}- **${labelWords[l.label] ?? capital(l.label)}:** ${code(l.text)}`);
    }
  }
  flush();
  return out;
}

/** Conditions, limits and retries of an action, or nothing when it has none. */
export function conditionLines(a: ActionDescription, indent = ''): string[] {
  const out: string[] = [];
  if (a.when) out.push(`${indent}- **Only when:** ${code(a.when)}; otherwise the step is skipped.`);
  if (a.timeout !== undefined)
    out.push(
      `${indent}- **Time limit:** ${typeof a.timeout === 'number' ? `${a.timeout}s` : a.timeout}; the step is stopped and fails after that.`,
    );
  if (a.retries) out.push(`${indent}- **Retries:** up to ${a.retries} more ${a.retries === 1 ? 'try' : 'tries'} after a failure.`);
  if (a.continueOnError) out.push(`${indent}- **On failure:** the failure is recorded and the run goes on (continue_on_error).`);
  if (a.unrendered) out.push(`${indent}- **Known at run time:** ${a.unrendered}.`);
  return out.length > 0 ? [...out, ''] : [];
}

/** How a rollback action reads in a sentence: its title, or what it runs. */
export function undoName(a: ActionDescription): string {
  const first = a.lines[0];
  if (a.title) return a.title;
  return first ? `${first.label} ${code(first.text.split('\n')[0] ?? '')}` : `a ${a.kind} action`;
}

/** What undoes a step: its built-in inverse and its rollback actions, in the order they run. */
export function undoLines(s: StepDescription): string[] {
  if (!s.builtInUndo && s.rollback.length === 0) return [];
  const out = ['**To undo it** (runbook does this when a later step fails):', ''];
  let n = 0;
  if (s.builtInUndo) out.push(`${++n}. ${capital(s.builtInUndo)} (built into ${s.kind}).`);
  for (const r of s.rollback) {
    out.push(`${++n}. ${r.title ?? `A ${r.kind} action`}:`, '');
    out.push(...describeLinesMarkdown(r.lines, '   '), ...conditionLines(r, '   '));
  }
  return out[out.length - 1] === '' ? out : [...out, ''];
}
