import { createRequire } from 'node:module';
import { builtInBlockHelpers, helperDocs } from './helpers.js';

/** A value a template reads, e.g. `vars.sqlite_path`, with the expression it appears in. */
export interface Reference {
  readonly parts: readonly string[];
  /** Source text of the `{{ }}` it appears in, to locate it in the file. */
  readonly expression: string;
}

/** A helper a template calls. */
export interface HelperCall {
  readonly name: string;
  readonly expression: string;
}

/** What a template refers to, or why it does not parse. */
export type TemplateScan =
  | { readonly ok: true; readonly references: readonly Reference[]; readonly helpers: readonly HelperCall[] }
  | { readonly ok: false; readonly message: string; readonly line: number; readonly col: number };

/** Roots a template may read from. */
export const templateRoots = ['vars', 'steps', 'env', 'run', 'plan', 'item', 'params'] as const;

// Only Handlebars' parser: validation never renders, and the full library costs start-up time.
const { parse } = createRequire(import.meta.url)('handlebars/dist/cjs/handlebars/compiler/base.js') as {
  parse: (text: string) => hbs.AST.Program;
};

/** Parses a template without rendering it; throws on a syntax error. */
export function parseTemplate(text: string): hbs.AST.Program {
  return parse(text);
}

const knownHelpers = new Set<string>([...Object.keys(helperDocs), ...builtInBlockHelpers]);

type AnyNode = { type: string; [k: string]: unknown };

function source(text: string, loc: hbs.AST.SourceLocation | undefined): string {
  if (!loc) return '{{';
  const lines = text.split('\n');
  if (loc.start.line === loc.end.line) return (lines[loc.start.line - 1] ?? '').slice(loc.start.column, loc.end.column);
  return (lines[loc.start.line - 1] ?? '').slice(loc.start.column);
}

/** Statically lists the references and helper calls of a template, without rendering it. */
export function scanTemplate(text: string): TemplateScan {
  if (!text.includes('{{')) return { ok: true, references: [], helpers: [] };
  let ast: hbs.AST.Program;
  try {
    ast = parse(text);
  } catch (e) {
    const opens = text.split('{{').length - 1;
    const closes = text.split('}}').length - 1;
    const m = /line (\d+)/.exec((e as Error).message);
    const line = m ? Number(m[1]) : 1;
    const detail = (e as Error).message.split('\n').slice(-1)[0] ?? '';
    const startOfLine = text.split('\n')[line - 1] ?? '';
    const col = Math.max(0, startOfLine.indexOf('{{')) + 1;
    const message =
      opens > closes ? 'a "{{" is not closed with "}}"' : detail.replace(/^Expecting/, 'expected').replace(/, got/, ' but got');
    return { ok: false, message, line, col };
  }
  const references: Reference[] = [];
  const helpers: HelperCall[] = [];
  const visitExpr = (n: AnyNode | undefined, expression: string, scoped: boolean) => {
    if (!n) return;
    if (n.type === 'PathExpression') {
      const p = n as unknown as hbs.AST.PathExpression;
      if (p.data || p.depth > 0 || p.original.startsWith('this') || p.original.startsWith('.')) return;
      const first = p.parts[0];
      if (scoped && !(templateRoots as readonly string[]).includes(first ?? '')) return;
      references.push({ parts: p.parts, expression });
    } else if (n.type === 'SubExpression') visitCall(n, expression, scoped);
  };
  const visitCall = (n: AnyNode, expression: string, scoped: boolean) => {
    const path = n.path as hbs.AST.PathExpression;
    const params = (n.params as AnyNode[] | undefined) ?? [];
    const pairs = (n.hash as { pairs?: { value: AnyNode }[] } | undefined)?.pairs ?? [];
    const isCall =
      params.length > 0 || pairs.length > 0 || n.type === 'SubExpression' || n.type === 'BlockStatement' || knownHelpers.has(path.original);
    if (isCall && path.type === 'PathExpression') helpers.push({ name: path.original, expression });
    else visitExpr(path as unknown as AnyNode, expression, scoped);
    for (const p of params) visitExpr(p, expression, scoped);
    for (const p of pairs) visitExpr(p.value, expression, scoped);
  };
  const visitBody = (body: AnyNode[] | undefined, scoped: boolean) => {
    for (const stmt of body ?? []) {
      const expression = source(text, stmt.loc as hbs.AST.SourceLocation | undefined);
      if (stmt.type === 'MustacheStatement') visitCall(stmt, expression, scoped);
      else if (stmt.type === 'BlockStatement') {
        visitCall(stmt, expression.split('}}')[0] + '}}', scoped);
        const name = (stmt.path as hbs.AST.PathExpression).original;
        const inner = scoped || name === 'each' || name === 'with';
        visitBody((stmt.program as AnyNode | undefined)?.body as AnyNode[] | undefined, inner);
        visitBody((stmt.inverse as AnyNode | undefined)?.body as AnyNode[] | undefined, inner);
      }
    }
  };
  visitBody(ast.body as unknown as AnyNode[], false);
  return { ok: true, references, helpers };
}

/** True when the helper name is one a plan may call. */
export function isKnownHelper(name: string): boolean {
  return knownHelpers.has(name);
}

/** Names a plan may call, for "did you mean" hints. */
export function helperNames(): string[] {
  return [...knownHelpers];
}
