/** The plan as the engine sees it: plain readonly data made from a validated YAML file. */

/** A declared variable. */
export interface VarDecl {
  readonly name: string;
  readonly default?: string | number | boolean;
  /** Environment variable that supplies the value when the command line does not. */
  readonly env?: string;
  /** A second environment variable, read (with its warning printed) when `env` is not set. */
  readonly fallbackEnv?: { readonly name: string; readonly warning: string };
  readonly required: boolean;
  readonly secret: boolean;
  readonly description?: string;
  readonly type: 'string' | 'integer' | 'number' | 'boolean';
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
}

/** A step: an action with an id, a description and the actions that undo it. */
export interface StepDecl extends ActionDecl {
  readonly id: string;
  readonly description?: string;
  /** Condition for the kind's built-in undo; absent means always. */
  readonly undo_when?: string;
  readonly rollback: readonly ActionDecl[];
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
}

/** Keys of a step or action that the engine handles; everything else is the kind's. */
export const commonActionKeys = ['kind', 'title', 'when', 'timeout', 'retries', 'retry_delay', 'continue_on_error'] as const;
export const commonStepKeys = ['id', 'description', 'undo_when', 'rollback', ...commonActionKeys] as const;

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

/** Builds the plan model from a document that passed the schema. */
export function planFromJson(file: string, doc: Json): Plan {
  const vars = Object.entries((doc.vars ?? {}) as Record<string, Json | null>).map(([name, raw]): VarDecl => {
    const v = raw ?? {};
    return {
      name,
      ...(v.default !== undefined && v.default !== null && { default: v.default as string | number | boolean }),
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
  const connections = Object.entries((doc.connections ?? {}) as Record<string, Json>).map(
    ([name, c]): ConnectionDecl =>
      c.sqlite !== undefined ? { name, type: 'sqlite', path: String(c.sqlite) } : { name, type: 'postgres', url: String(c.postgres) },
  );
  const steps = ((doc.steps ?? []) as Json[]).map((raw, i): StepDecl => {
    const base = actionFrom(raw, ['steps', i], commonStepKeys);
    const rollback = ((raw.rollback ?? []) as Json[]).map((a, j) => actionFrom(a, ['steps', i, 'rollback', j], commonActionKeys));
    return {
      ...base,
      id: String(raw.id),
      ...(raw.description !== undefined && { description: String(raw.description) }),
      ...(raw.undo_when !== undefined && { undo_when: String(raw.undo_when) }),
      rollback,
    };
  });
  return {
    file,
    version: 1,
    name: String(doc.name),
    ...(doc.title !== undefined && { title: String(doc.title) }),
    ...(doc.description !== undefined && { description: String(doc.description) }),
    vars,
    connections,
    ...(Array.isArray(doc.locks) && { locks: (doc.locks as Json[]).map((l): LockDecl => (l.dir !== undefined ? { type: 'dir', path: String(l.dir) } : { type: 'postgres', connection: String(l.postgres) })) }),
    steps,
  };
}
