/** The plan as the engine sees it: plain readonly data made from a validated YAML file. */

/** A scalar value of a var or of a list var's item. */
export type VarScalar = string | number | boolean;

/** The value of a var: a scalar, or a list for vars of type list (what `for_each` walks). */
export type VarValue = VarScalar | readonly VarScalar[];

/** A declared variable. */
export interface VarDecl {
  readonly name: string;
  readonly default?: VarValue;
  /** Environment variable that supplies the value when the command line does not. */
  readonly env?: string;
  /** A second environment variable, read (with its warning printed) when `env` is not set. */
  readonly fallbackEnv?: { readonly name: string; readonly warning: string };
  readonly required: boolean;
  readonly secret: boolean;
  readonly description?: string;
  readonly type: 'string' | 'integer' | 'number' | 'boolean' | 'list';
  readonly pattern?: string;
  readonly choices?: readonly (string | number | boolean)[];
}

/** A named database; its location may hold templates, rendered at run time. */
export type ConnectionDecl =
  | { readonly name: string; readonly type: 'sqlite'; readonly path: string }
  | { readonly name: string; readonly type: 'postgres'; readonly url: string };

/** Fields every step and every rollback action share; the rest belongs to the kind. */
export interface ActionDecl {
  readonly kind: string;
  readonly title?: string;
  readonly when?: string;
  readonly timeout?: string | number;
  readonly retries?: number;
  readonly retry_delay?: string | number;
  readonly continue_on_error?: boolean;
  /** The kind's own fields, templates not yet rendered. */
  readonly spec: Readonly<Record<string, unknown>>;
  /** Path of this action in the YAML document, for positions in messages. */
  readonly path: readonly (string | number)[];
  /** For an action that comes from an `include:`: the fragment file `path` is in. */
  readonly file?: string;
  /** The values an included action reads as {{params.NAME}}: the include's `with:` (templates of the including plan) and the fragment's defaults. */
  readonly params?: Readonly<Record<string, unknown>>;
  /** For an included action: the fragment's own step ids and the ids they have in the plan. */
  readonly aliases?: Readonly<Record<string, string>>;
  /** For an included action: the `include:` entry that brought it (its file and path), whose `with:` values are templates of that file. */
  readonly includedAt?: IncludeSite;
}

/** An `include:` entry: where it is, and when that file is itself a fragment, the scope its `with:` values are templates of. */
export interface IncludeSite {
  readonly file: string;
  readonly path: readonly (string | number)[];
  /** The including fragment's params, step ids and own include; absent when the plan itself includes. */
  readonly within?: FragmentScopeDecl;
}

/** What templates of an included file read besides the plan: its params and its own step ids (with their ids in the plan). */
export interface FragmentScopeDecl {
  readonly params?: Readonly<Record<string, unknown>>;
  readonly aliases?: Readonly<Record<string, string>>;
  readonly includedAt?: IncludeSite;
}

/** What a `for_each` walks: a literal list, or a var of type list named by `vars.NAME`. */
export type LoopSource = { readonly items: readonly unknown[] } | { readonly var: string };

/** A step: an action with an id, a description and the actions that undo it. */
export interface StepDecl extends ActionDecl {
  readonly id: string;
  readonly description?: string;
  /** Condition for the kind's built-in undo; absent means always. */
  readonly undo_when?: string;
  readonly rollback: readonly ActionDecl[];
  /** Before expansion: the list this step repeats over, once per item. */
  readonly forEach?: LoopSource;
  /** After expansion: the item this copy of a looped step reads as `{{item}}`. */
  readonly item?: { readonly value: unknown; readonly index: number; readonly of: string };
}

/** A lock scope a plan declares: a directory, or a PostgreSQL connection's database. */
export type LockDecl = { readonly type: 'dir'; readonly path: string } | { readonly type: 'postgres'; readonly connection: string };

/** A whole plan. */
export interface Plan {
  readonly file: string;
  readonly version: 1;
  readonly name: string;
  readonly title?: string;
  readonly description?: string;
  readonly vars: readonly VarDecl[];
  readonly connections: readonly ConnectionDecl[];
  /** Lock scopes besides the run's directory (`locks:`). */
  readonly locks?: readonly LockDecl[];
  readonly steps: readonly StepDecl[];
  /** Steps that run after the others whatever happened: success, failure and rollback, a first signal. */
  readonly finally: readonly StepDecl[];
  /** Plug-in modules that add step kinds: paths relative to the plan, or package names. */
  readonly plugins: readonly string[];
}

/** The steps then the finally steps, in the order a run meets them (indexes follow this order). */
export function allSteps(plan: Plan): readonly StepDecl[] {
  return [...plan.steps, ...plan.finally];
}

/** Keys of a step or action that the engine handles; everything else is the kind's. */
export const commonActionKeys = ['kind', 'title', 'when', 'timeout', 'retries', 'retry_delay', 'continue_on_error'] as const;

/** Steps an `include:` entry stands for (its fragment's steps, ids prefixed), or an empty list when it cannot. */
export type IncludeResolver = (raw: Readonly<Record<string, unknown>>, path: readonly (string | number)[]) => readonly StepDecl[];
export const commonStepKeys = ['id', 'description', 'undo_when', 'rollback', 'for_each', ...commonActionKeys] as const;

type Json = Record<string, unknown>;

function actionFrom(raw: Json, path: readonly (string | number)[], common: readonly string[]): ActionDecl {
  const spec: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) if (!common.includes(k)) spec[k] = v;
  return {
    kind: String(raw.kind),
    ...(raw.title !== undefined && { title: String(raw.title) }),
    ...(raw.when !== undefined && { when: String(raw.when) }),
    ...(raw.timeout !== undefined && { timeout: raw.timeout as string | number }),
    ...(raw.retries !== undefined && { retries: Number(raw.retries) }),
    ...(raw.retry_delay !== undefined && { retry_delay: raw.retry_delay as string | number }),
    ...(raw.continue_on_error !== undefined && { continue_on_error: Boolean(raw.continue_on_error) }),
    spec,
    path,
  };
}

const fallbackEnvOf = (f: Json): { name: string; warning: string } => ({ name: String(f.name), warning: String(f.warning) });

/** Builds the plan model from a document that passed the schema; `include` expands `include:` entries. */
export function planFromJson(file: string, doc: Json, include: IncludeResolver = () => []): Plan {
  const vars = Object.entries((doc.vars ?? {}) as Record<string, Json | null>).map(([name, raw]): VarDecl => {
    const v = raw ?? {};
    return {
      name,
      ...(v.default !== undefined && v.default !== null && { default: v.default as VarValue }),
      ...(v.env !== undefined && { env: String(v.env) }),
      ...(v.fallback_env !== undefined && v.fallback_env !== null && { fallbackEnv: fallbackEnvOf(v.fallback_env as Json) }),
      required: v.required === true,
      secret: v.secret === true,
      ...(v.description !== undefined && { description: String(v.description) }),
      type: (v.type as VarDecl['type']) ?? 'string',
      ...(v.pattern !== undefined && { pattern: String(v.pattern) }),
      ...(Array.isArray(v.choices) && { choices: v.choices as (string | number | boolean)[] }),
    };
  });
  const connections = Object.entries((doc.connections ?? {}) as Record<string, Json>).map(([name, c]): ConnectionDecl =>
    c.sqlite !== undefined ? { name, type: 'sqlite', path: String(c.sqlite) } : { name, type: 'postgres', url: String(c.postgres) },
  );
  const steps = stepsFromJson(doc, 'steps', include);
  return {
    file,
    version: 1,
    name: String(doc.name),
    ...(doc.title !== undefined && { title: String(doc.title) }),
    ...(doc.description !== undefined && { description: String(doc.description) }),
    vars,
    connections,
    ...(Array.isArray(doc.locks) && {
      locks: (doc.locks as Json[]).map((l): LockDecl =>
        l.dir !== undefined ? { type: 'dir', path: String(l.dir) } : { type: 'postgres', connection: String(l.postgres) },
      ),
    }),
    steps,
    finally: stepsFromJson(doc, 'finally', include),
    plugins: ((doc.plugins ?? []) as unknown[]).map(String),
  };
}

/** The steps of a list in a document (a plan's `steps:`/`finally:`, a fragment's `steps:`), includes expanded. */
export function stepsFromJson(doc: Json, section: string, include: IncludeResolver): StepDecl[] {
  return ((doc[section] ?? []) as Json[]).flatMap((raw, i): StepDecl[] => {
    if (raw.include !== undefined) return [...include(raw, [section, i])];
    const base = actionFrom(raw, [section, i], commonStepKeys);
    const rollback = ((raw.rollback ?? []) as Json[]).flatMap((a, j): ActionDecl[] => {
      if (a.include === undefined) return [actionFrom(a, [section, i, 'rollback', j], commonActionKeys)];
      // A fragment in a rollback contributes its steps as actions: their own ids and rollbacks do not apply.
      // Their step ids (and so their outputs) do not exist there either.
      return include(a, [section, i, 'rollback', j]).map(
        ({ id: _id, description: _d, undo_when: _u, rollback: _r, forEach: _f, item: _i, aliases: _a, ...action }) => action,
      );
    });
    const forEach = loopSourceOf(raw.for_each);
    return [
      {
        ...base,
        id: String(raw.id),
        ...(raw.description !== undefined && { description: String(raw.description) }),
        ...(raw.undo_when !== undefined && { undo_when: String(raw.undo_when) }),
        rollback,
        ...(forEach && { forEach }),
      },
    ];
  });
}

/** `for_each: [a, b]` or `for_each: vars.NAME` (also written `{{vars.NAME}}`). */
function loopSourceOf(raw: unknown): LoopSource | undefined {
  if (raw === undefined) return undefined;
  if (Array.isArray(raw)) return { items: raw };
  return { var: loopVarName(String(raw)) };
}

/** The var a `for_each` text names: `vars.dbs` and `{{ vars.dbs }}` both name `dbs`. */
export function loopVarName(text: string): string {
  return text.replace(/^\{\{\s*|\s*\}\}$/g, '').replace(/^vars\./, '');
}
