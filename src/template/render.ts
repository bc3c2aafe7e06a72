import { createRequire } from 'node:module';
import type Handlebars from 'handlebars';
import { makeHelpers } from './helpers.js';
import { quoteFor, referenceFor, ShellValues } from './shell-values.js';
import { shellSlots, slotMarker, unsafeContexts, type ValueContext } from './shell-contexts.js';

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
  /** The item of a looped step (`for_each`); absent elsewhere. */
  readonly item?: unknown;
  /** The params of an included fragment's action; absent elsewhere. */
  readonly params?: Readonly<Record<string, unknown>>;
}

/**
 * How template values enter the text: as they are, or (shell) each as a reference to an
 * environment variable holding it, so no value is ever read as shell code.
 */
export type RenderMode = 'text' | 'shell';

/** A shell field rendered: the command text with references, and the values they hold. */
export interface RenderedShell {
  readonly text: string;
  /** For reviewers: the same command with each value written in, quoted for its context and masked. */
  readonly display: string;
  readonly values: ShellValues;
}

/** Options of a shell render. */
export interface ShellRenderOptions {
  /** Collects the values; several fields of one action share it. */
  readonly values?: ShellValues;
  /** `{{{ }}}` may insert shell code (the action says `raw: true`). */
  readonly raw?: boolean;
  /** Masks a value before the display form quotes it (quoting would hide a secret from a later mask). */
  readonly mask?: (text: string) => string;
}

/** What one shell render collects while Handlebars runs: each value with its expression. */
interface SlotCollector {
  readonly values: string[];
  readonly refs: string[];
  readonly raw: boolean;
}

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
 * string) and, in shell mode, puts a slot marker where the value goes (or the raw text of `{{{ }}}`).
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
    const isCall =
      m.params.length > 0 || (m.hash?.pairs.length ?? 0) > 0 || (path.type === 'PathExpression' && helperNames.has(path.original));
    const inner: hbs.AST.Expression = isCall
      ? ({ type: 'SubExpression', path: m.path, params: m.params, hash: m.hash, loc: m.loc } as hbs.AST.SubExpression)
      : m.path;
    const lit = (value: string | boolean): hbs.AST.Literal =>
      (typeof value === 'boolean'
        ? { type: 'BooleanLiteral', value, original: value, loc: m.loc }
        : { type: 'StringLiteral', value, original: value, loc: m.loc }) as unknown as hbs.AST.Literal;
    return {
      type: 'MustacheStatement',
      path: { type: 'PathExpression', data: false, depth: 0, parts: ['__out'], original: '__out', loc: m.loc } as hbs.AST.PathExpression,
      params: [inner],
      hash: {
        type: 'Hash',
        pairs: [
          { type: 'HashPair', key: 'shell', value: lit(mode === 'shell'), loc: m.loc },
          { type: 'HashPair', key: 'escaped', value: lit(m.escaped), loc: m.loc },
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

const shells = /^(sh|bash|dash|zsh|ksh|mksh|ash|busybox)$/;

/** In a program list such as [sh, -c, SCRIPT], the index of the script a shell runs; -1 when none. */
export function shellScriptIndex(argv: readonly unknown[]): number {
  const program = typeof argv[0] === 'string' ? (argv[0].split('/').pop() ?? '') : '';
  if (!shells.test(program)) return -1;
  const flag = argv.findIndex((a, i) => i > 0 && typeof a === 'string' && /^-[A-Za-z]*c[A-Za-z]*$/.test(a));
  return flag < 0 ? -1 : flag + 1;
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
      const hash = options.hash as { shell: boolean; escaped: boolean; ref: string };
      if (value === undefined || value === null) throw new TemplateError(`${hash.ref} has no value`);
      const text = stringify(value);
      const slots = this.collector;
      if (!hash.shell || !slots) return text;
      if (text.includes('\0')) throw new TemplateError(`the value of ${hash.ref} contains a NUL byte, which no command can be given`);
      if (hash.escaped) {
        slots.values.push(text);
        slots.refs.push(hash.ref);
        return slotMarker(slots.values.length - 1);
      }
      if (!slots.raw)
        throw new TemplateError(
          `${hash.ref} would insert its value as shell code; write {{ }} (the value is passed as data), or set raw: true on the step to run it as code on purpose`,
        );
      return text;
    });
  }

  private collector: SlotCollector | undefined;

  /** Renders one template string as text (values as they are); throws TemplateError when a value is missing. */
  render(text: string, scope: TemplateScope): string {
    return this.renderText(text, scope, 'text');
  }

  /**
   * Renders a shell field: each `{{ }}` becomes a reference to a variable of `values` (quoted for
   * its quoting context); `{{{ }}}` inserts shell code and needs `raw`. Throws TemplateError for a
   * value where no reference is safe (inside single quotes, a comment, arithmetic...).
   */
  renderShell(text: string, scope: TemplateScope, options: ShellRenderOptions = {}): RenderedShell {
    const values = options.values ?? new ShellValues();
    const slots: SlotCollector = { values: [], refs: [], raw: options.raw === true };
    this.collector = slots;
    let script: string;
    try {
      script = this.renderText(text, scope, 'shell');
    } finally {
      this.collector = undefined;
    }
    if (slots.values.length === 0) return { text: script, display: script, values };
    const contexts = new Map(shellSlots(script).map((s) => [s.slot, s]));
    const placed = (i: number): ValueContext => {
      const where = contexts.get(i);
      if (where && 'context' in where) return where.context;
      const why = unsafeContexts[where && 'unsafe' in where ? where.unsafe : 'single-quotes'];
      throw new TemplateError(`${slots.refs[i] ?? '{{ }}'} is ${why.where}; ${why.hint.replace(/\{\{x\}\}/g, slots.refs[i] ?? '{{ }}')}`);
    };
    const marker = /\0(\d+)\0/g;
    const rendered = script.replace(marker, (_, n: string) =>
      referenceFor(values.add(slots.refs[Number(n)]!, slots.values[Number(n)]!), placed(Number(n))),
    );
    const mask = options.mask ?? ((t: string) => t);
    const display = script.replace(marker, (_, n: string) => quoteFor(mask(slots.values[Number(n)]!), placed(Number(n))));
    return { text: rendered, display, values };
  }

  private renderText(text: string, scope: TemplateScope, mode: RenderMode): string {
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

  /** Renders every string inside a value (objects and lists too) as text. */
  renderDeep(value: unknown, scope: TemplateScope): unknown {
    if (typeof value === 'string') return this.render(value, scope);
    if (Array.isArray(value)) return value.map((x) => this.renderDeep(x, scope));
    if (value && typeof value === 'object')
      return Object.fromEntries(Object.entries(value).map(([k, x]) => [k, this.renderDeep(x, scope)]));
    return value;
  }

  /**
   * Renders an action's own fields: `shellKeys` top-level string fields as shell (values become
   * variable references, collected in `values`), everything else as text. `raw: true` in the
   * spec lets `{{{ }}}` insert shell code.
   */
  renderAction(
    spec: Readonly<Record<string, unknown>>,
    scope: TemplateScope,
    shellKeys: readonly string[] = [],
    options: { readonly form?: 'executed' | 'display'; readonly mask?: (text: string) => string } = {},
  ): { readonly spec: Record<string, unknown>; readonly values: ShellValues } {
    const values = new ShellValues();
    const raw = spec.raw === true;
    const shell = (x: string): string => {
      const r = this.renderShell(x, scope, { values, raw, ...(options.mask && { mask: options.mask }) });
      return options.form === 'display' ? r.display : r.text;
    };
    const field = (x: unknown): unknown => {
      if (typeof x === 'string') return shell(x);
      if (!Array.isArray(x)) return this.renderDeep(x, scope);
      // A program list runs without a shell, except the script a shell is given with -c.
      const script = shellScriptIndex(x);
      return x.map((arg, i) => (i === script && typeof arg === 'string' ? shell(arg) : this.renderDeep(arg, scope)));
    };
    const out = Object.fromEntries(Object.entries(spec).map(([k, x]) => [k, shellKeys.includes(k) ? field(x) : this.renderDeep(x, scope)]));
    return { spec: out, values };
  }
}
