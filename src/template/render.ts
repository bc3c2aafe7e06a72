import { createRequire } from 'node:module';
import type Handlebars from 'handlebars';
import { makeHelpers } from './helpers.js';
import { shellQuote } from './shell-quote.js';

type Node = hbs.AST.Node & Record<string, unknown>;

/** A template that cannot produce a value (a reference without one, a failing helper). */
export class TemplateError extends Error {}

/** The values templates read: vars, env, finished steps' outputs, the run. */
export interface TemplateScope {
  readonly vars: Readonly<Record<string, unknown>>;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly steps: Readonly<Record<string, unknown>>;
  readonly run: Readonly<Record<string, unknown>>;
  readonly plan: Readonly<Record<string, unknown>>;
}

/** How template values enter the text: as they are, or each quoted as one shell argument. */
export type RenderMode = 'text' | 'shell';

function sourceOf(text: string, loc: hbs.AST.SourceLocation): string {
  const lines = text.split('\n');
  if (loc.start.line === loc.end.line) return (lines[loc.start.line - 1] ?? '').slice(loc.start.column, loc.end.column);
  const first = (lines[loc.start.line - 1] ?? '').slice(loc.start.column);
  const middle = lines.slice(loc.start.line, loc.end.line - 1);
  const last = (lines[loc.end.line - 1] ?? '').slice(0, loc.end.column);
  return [first, ...middle, last].join('\n');
}

/**
 * Routes every `{{ }}` through the `__out` helper, which refuses missing values (never an empty
 * string) and, in shell mode, quotes the value unless the author wrote the raw form `{{{ }}}`.
 */
function routeOutputs(node: Node, text: string, mode: RenderMode, helperNames: ReadonlySet<string>): void {
  const visitBody = (body: Node[] | undefined) => {
    if (!body) return;
    for (let i = 0; i < body.length; i++) {
      const stmt = body[i]!;
      if (stmt.type === 'MustacheStatement') body[i] = wrap(stmt as unknown as hbs.AST.MustacheStatement) as unknown as Node;
      else if (stmt.type === 'BlockStatement') {
        visitBody((stmt.program as Node | undefined)?.body as Node[] | undefined);
        visitBody((stmt.inverse as Node | undefined)?.body as Node[] | undefined);
      }
    }
  };
  const wrap = (m: hbs.AST.MustacheStatement): hbs.AST.MustacheStatement => {
    const path = m.path as hbs.AST.PathExpression;
    const isCall = m.params.length > 0 || (m.hash?.pairs.length ?? 0) > 0 || (path.type === 'PathExpression' && helperNames.has(path.original));
    const inner: hbs.AST.Expression = isCall
      ? ({ type: 'SubExpression', path: m.path, params: m.params, hash: m.hash, loc: m.loc } as hbs.AST.SubExpression)
      : m.path;
    const lit = (value: string | boolean): hbs.AST.Literal =>
      (typeof value === 'boolean'
        ? { type: 'BooleanLiteral', value, original: value, loc: m.loc }
        : { type: "StringLiteral", value, original: value, loc: m.loc }) as unknown as hbs.AST.Literal;
    return {
      type: 'MustacheStatement',
      path: { type: 'PathExpression', data: false, depth: 0, parts: ['__out'], original: '__out', loc: m.loc } as hbs.AST.PathExpression,
      params: [inner],
      hash: {
        type: 'Hash',
        pairs: [
          { type: 'HashPair', key: 'quote', value: lit(mode === 'shell' && m.escaped), loc: m.loc },
          { type: 'HashPair', key: 'ref', value: lit(sourceOf(text, m.loc)), loc: m.loc },
        ],
        loc: m.loc,
      },
      escaped: false,
      strip: m.strip,
      loc: m.loc,
    };
  };
  visitBody(node.body as Node[] | undefined);
}

function stringify(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value);
}

/** A renderer bound to one run: helpers fixed (one `now` per run), compiled templates cached. */
export class TemplateRenderer {
  // Loaded when a run or dry run first renders: plain validation never needs the compiler.
  private readonly hb = (createRequire(import.meta.url)('handlebars') as typeof Handlebars).create();
  private readonly cache = new Map<string, HandlebarsTemplateDelegate>();
  private readonly helperNames: ReadonlySet<string>;

  constructor(runStartedAt: Date) {
    const helpers = makeHelpers(runStartedAt);
    for (const [name, fn] of Object.entries(helpers)) this.hb.registerHelper(name, fn);
    this.helperNames = new Set(Object.keys(helpers));
    this.hb.registerHelper('__out', (value: unknown, options: Handlebars.HelperOptions) => {
      const hash = options.hash as { quote: boolean; ref: string };
      if (value === undefined || value === null) throw new TemplateError(`${hash.ref} has no value`);
      const text = stringify(value);
      return hash.quote ? shellQuote(text) : text;
    });
  }

  /** Renders one template string; throws TemplateError when a value is missing. */
  render(text: string, scope: TemplateScope, mode: RenderMode = 'text'): string {
    if (!text.includes('{{')) return text;
    const key = `${mode}\0${text}`;
    let template = this.cache.get(key);
    if (!template) {
      const ast = this.hb.parse(text);
      routeOutputs(ast as unknown as Node, text, mode, this.helperNames);
      template = this.hb.compile(ast, { noEscape: true, strict: false });
      this.cache.set(key, template);
    }
    try {
      return template(scope, { allowProtoPropertiesByDefault: false });
    } catch (e) {
      if (e instanceof TemplateError) throw e;
      throw new TemplateError((e as Error).message.split('\n')[0]);
    }
  }

  /** Renders every string inside a value (objects and lists too); `shellKeys` top-level keys use shell mode. */
  renderDeep(value: unknown, scope: TemplateScope, shellKeys: readonly string[] = []): unknown {
    const walk = (v: unknown, mode: RenderMode): unknown => {
      if (typeof v === 'string') return this.render(v, scope, mode);
      if (Array.isArray(v)) return v.map((x) => walk(x, 'text'));
      if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, 'text')]));
      return v;
    };
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      return Object.fromEntries(
        Object.entries(value).map(([k, x]) => [k, typeof x === 'string' && shellKeys.includes(k) ? this.render(x, scope, 'shell') : walk(x, 'text')]),
      );
    }
    return walk(value, 'text');
  }
}
