import { parseTemplate } from './references.js';
import { shellSlots, slotMarker, type UnsafeContext } from './shell-contexts.js';

/** A template value in a shell field that cannot go in safely, found without rendering. */
export interface ShellTemplateProblem {
  /** Source of the `{{ }}`, e.g. `{{vars.x}}`. */
  readonly expression: string;
  /** How many earlier occurrences of the same source text the template has, to locate it. */
  readonly nth: number;
  /** `raw`: a `{{{ }}}` without `raw: true`; otherwise the quoting context that refuses a value. */
  readonly problem: 'raw' | UnsafeContext;
}

type Node = { readonly type: string; readonly loc?: hbs.AST.SourceLocation; readonly [k: string]: unknown };
type Branch = 'program' | 'inverse';

interface Skeleton {
  script: string;
  readonly slots: Node[];
}

function offsetOf(text: string, loc: hbs.AST.SourceLocation): number {
  const lines = text.split('\n');
  let at = 0;
  for (let i = 0; i < loc.start.line - 1; i++) at += (lines[i]?.length ?? 0) + 1;
  return at + loc.start.column;
}

function sourceAt(text: string, loc: hbs.AST.SourceLocation): string {
  const start = offsetOf(text, loc);
  const end = offsetOf(text, { ...loc, start: loc.end });
  return text.slice(start, end);
}

/**
 * The script one set of branches of the template's blocks produces, with a slot marker for each
 * `{{ }}`; a `{{{ }}}` adds nothing (its text is unknown before the run).
 */
function skeleton(body: readonly Node[], branch: Branch, out: Skeleton, raws: Node[]): void {
  for (const n of body) {
    if (n.type === 'ContentStatement') out.script += String(n.value);
    else if (n.type === 'MustacheStatement') {
      if (n.escaped === false) raws.push(n);
      else {
        out.script += slotMarker(out.slots.length);
        out.slots.push(n);
      }
    } else if (n.type === 'BlockStatement') {
      const program = n.program as { body: Node[] } | undefined;
      const inverse = n.inverse as { body: Node[] } | undefined;
      skeleton((branch === 'program' ? program : inverse)?.body ?? [], branch, out, raws);
    }
  }
}

/**
 * Finds, statically, the values of a shell field that no variable reference can carry safely,
 * and `{{{ }}}` without `raw`. Blocks are read once with every `if` true and once with every
 * `if` false; rendering checks the exact script again before anything runs.
 */
export function shellTemplateProblems(text: string, raw: boolean): ShellTemplateProblem[] {
  if (!text.includes('{{')) return [];
  let ast: hbs.AST.Program;
  try {
    ast = parseTemplate(text);
  } catch {
    return []; // reported as a template syntax error by the references check
  }
  const found = new Map<number, { node: Node; problem: ShellTemplateProblem['problem'] }>();
  for (const branch of ['program', 'inverse'] as const) {
    const out: Skeleton = { script: '', slots: [] };
    const raws: Node[] = [];
    skeleton(ast.body as unknown as Node[], branch, out, raws);
    if (!raw) for (const n of raws) if (n.loc) found.set(offsetOf(text, n.loc), { node: n, problem: 'raw' });
    for (const s of shellSlots(out.script)) {
      const node = out.slots[s.slot];
      if ('unsafe' in s && node?.loc) found.set(offsetOf(text, node.loc), { node, problem: s.unsafe });
    }
  }
  return [...found.entries()]
    .sort(([a], [b]) => a - b)
    .map(([offset, { node, problem }]) => {
      const expression = sourceAt(text, node.loc!);
      let nth = 0;
      for (let at = text.indexOf(expression); at >= 0 && at < offset; at = text.indexOf(expression, at + 1)) nth++;
      return { expression, nth, problem };
    });
}
