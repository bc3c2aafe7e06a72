import { durationSchema } from '../core/duration.js';
import type { AnyStepKind } from '../steps/kind.js';
import type { SchemaObject } from '../core/json.js';

const actionCommon: Record<string, SchemaObject> = {
  title: { type: 'string', description: 'What this does, in plain words an operator reads in progress output and reviews.' },
  when: {
    type: 'string',
    description: 'A condition; the step is skipped (with the reason shown) when it is false. E.g. `vars.transfer_tool == "pgloader"`.',
  },
  timeout: { ...durationSchema, description: 'Stop the step when it runs longer than this (e.g. 30s, 10m).' },
  retries: { type: 'integer', minimum: 0, maximum: 100, description: 'How many more times to try after a failure, with backoff.' },
  retry_delay: { ...durationSchema, description: 'Delay before the first retry; doubles for each later one. Default 1s.' },
  continue_on_error: { type: 'boolean', description: 'Record a failure of this step and go on instead of rolling back.' },
};

const stepCommon: Record<string, SchemaObject> = {
  id: {
    type: 'string',
    pattern: '^[a-z][a-z0-9]*(-[a-z0-9]+)*$',
    description: 'Unique kebab-case name of the step; later steps read its outputs as steps.<id>.outputs.<name>.',
  },
  description: { type: 'string', description: 'Longer explanation for reviewers and for `runbook explain`.' },
  undo_when: {
    type: 'string',
    description:
      "A condition for the kind's built-in undo at rollback (e.g. `vars.drop_target_on_rollback`); when false the step's effect is kept and the report says so.",
  },
  for_each: {
    description:
      'Repeats the step once per item of a list: a literal list, or `vars.NAME` naming a var of type list. Each copy reads its item as {{item}}, has the id ID[0], ID[1]... and its own rollback.',
    anyOf: [
      { type: 'array', maxItems: 100, items: { type: ['string', 'number', 'boolean', 'object'] } },
      { type: 'string', pattern: '^(\\{\\{\\s*)?vars\\.[a-z_][a-z0-9_]*(\\s*\\}\\})?$' },
    ],
  },
  ...actionCommon,
};

/** `raw: true` lets `{{{ }}}` put a value into a shell field as code; reviewers see it as a risk. */
function rawSchema(fields: readonly string[]): SchemaObject {
  return {
    type: 'boolean',
    description: `Lets {{{ }}} insert a value into ${fields.join(', ')} as shell code, unquoted. Without it, {{{ }}} there is an error and every {{ }} value is passed as data, never run.`,
  };
}

function kindBranch(kind: AnyStepKind, common: Record<string, SchemaObject>, withRollback: boolean): SchemaObject {
  const own = Object.fromEntries(Object.entries(kind.schema.properties).map(([k, v]) => [k, acceptTemplate(v)]));
  return {
    type: 'object',
    description: kind.summary,
    properties: {
      kind: { const: kind.kind, description: kind.summary },
      ...common,
      ...own,
      ...(kind.shellFields !== undefined && kind.shellFields.length > 0 && { raw: rawSchema(kind.shellFields) }),
      ...(withRollback && {
        rollback: {
          type: 'array',
          description: 'Actions that undo this step, run newest step first when a later step fails.',
          items: includeOr('action'),
        },
      }),
    },
    required: [...(withRollback ? ['id'] : []), 'kind', ...(kind.schema.required ?? [])],
    additionalProperties: false,
  };
}

/** A text holding a template: `{{vars.port}}`, converted to the field's type when the step starts. */
const templateText: SchemaObject = {
  type: 'string',
  pattern: '\\{\\{',
  description: "A template, rendered and converted to the field's type when the step starts.",
};

const typedScalars = ['number', 'integer', 'boolean'];

/** A number, integer or boolean field (at any depth) also takes a template; other fields are left as they are. */
export function acceptTemplate(schema: SchemaObject): SchemaObject {
  const type = schema.type;
  const types = Array.isArray(type) ? (type as string[]) : typeof type === 'string' ? [type] : [];
  const props = schema.properties as Record<string, SchemaObject> | undefined;
  const items = schema.items as SchemaObject | undefined;
  const inner: SchemaObject = {
    ...schema,
    ...(props && { properties: Object.fromEntries(Object.entries(props).map(([k, v]) => [k, acceptTemplate(v)])) }),
    ...(items && typeof items === 'object' && !Array.isArray(items) && { items: acceptTemplate(items) }),
    ...(Array.isArray(schema.oneOf) && { oneOf: (schema.oneOf as SchemaObject[]).map(acceptTemplate) }),
    ...(Array.isArray(schema.anyOf) && { anyOf: (schema.anyOf as SchemaObject[]).map(acceptTemplate) }),
  };
  if (types.length === 0 || !types.some((t) => typedScalars.includes(t)) || types.includes('string')) return inner;
  const { description, ...rest } = inner;
  return { ...(description !== undefined && { description }), anyOf: [rest, templateText] };
}

/** A list entry that is either an `include:` of a fragment or a step (an action in rollbacks). */
function includeOr(def: 'step' | 'action'): SchemaObject {
  return { if: { type: 'object', required: ['include'] }, then: { $ref: '#/$defs/include' }, else: { $ref: `#/$defs/${def}` } };
}

const includeSchema: SchemaObject = {
  type: 'object',
  description:
    'The steps of a fragment file, in place of this entry: ids become ID-<fragment step id>, and the fragment reads the values of with: as {{params.NAME}}.',
  required: ['include', 'id'],
  additionalProperties: false,
  properties: {
    include: {
      type: 'string',
      minLength: 1,
      description:
        'The fragment file, relative to the file that includes it. A fragment has params: (each with an optional default and description) and steps:.',
    },
    id: {
      type: 'string',
      pattern: '^[a-z][a-z0-9]*(-[a-z0-9]+)*$',
      description: 'Prefix of the included step ids: a fragment step "restart" becomes "ID-restart".',
    },
    with: {
      type: 'object',
      description: "Values of the fragment's params (templates of the including plan allowed); a param without a default must be given.",
      propertyNames: { pattern: '^[a-z_][a-z0-9_]*$' },
    },
  },
};

/** A fragment file: params and steps, checked with the kinds of the plan schema. */
export function buildFragmentSchema(plan: SchemaObject): SchemaObject {
  const properties = plan.properties as Record<string, SchemaObject>;
  return {
    ...plan,
    $id: 'urn:runbook:fragment',
    title: 'runbook fragment',
    description: 'Steps another plan includes with include:, reading its parameters as {{params.NAME}}.',
    required: ['steps'],
    properties: {
      params: {
        type: 'object',
        description: 'What the including plan passes with with:, each {default, description}.',
        propertyNames: { pattern: '^[a-z_][a-z0-9_]*$' },
        additionalProperties: {
          type: ['object', 'null'],
          additionalProperties: false,
          properties: {
            default: { type: ['string', 'number', 'boolean'], description: 'Used when with: does not give the param.' },
            description: { type: 'string', description: 'What the value is.' },
          },
        },
      },
      steps: properties.steps,
    },
  };
}

/** The whole plan format as JSON Schema (draft 2020-12), assembled from the registered kinds. */
export function buildPlanSchema(kinds: readonly AnyStepKind[]): SchemaObject {
  const defs: Record<string, SchemaObject> = {};
  for (const k of kinds) {
    defs[`step-${k.kind}`] = kindBranch(k, stepCommon, true);
    defs[`action-${k.kind}`] = kindBranch(k, actionCommon, false);
  }
  const union = (prefix: string, description: string): SchemaObject => ({
    type: 'object',
    description,
    required: ['kind'],
    properties: { kind: { type: 'string', enum: kinds.map((k) => k.kind), description: 'The step kind: what this step does.' } },
    discriminator: { propertyName: 'kind' },
    oneOf: kinds.map((k) => ({ $ref: `#/$defs/${prefix}-${k.kind}` })),
  });
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'urn:runbook:plan',
    title: 'runbook plan',
    description: 'A runbook plan: variables, connections and steps run in order, each with its rollback.',
    type: 'object',
    required: ['version', 'name', 'steps'],
    additionalProperties: false,
    properties: {
      version: { const: 1, description: 'Plan format version. Always 1.' },
      name: {
        type: 'string',
        pattern: '^[a-z][a-z0-9]*(-[a-z0-9]+)*$',
        description: 'Kebab-case name of the plan, used in run ids and reports.',
      },
      title: { type: 'string', description: 'One line saying what the plan does.' },
      description: { type: 'string', description: 'When and why to run this plan; shown by `runbook explain`.' },
      vars: {
        type: 'object',
        description: 'Inputs of the plan, read in templates as {{vars.<name>}}. Set with --var k=v or --vars-file.',
        propertyNames: { pattern: '^[a-z_][a-z0-9_]*$' },
        additionalProperties: { $ref: '#/$defs/var' },
      },
      connections: {
        type: 'object',
        description: 'Databases the steps name, each a SQLite file or a PostgreSQL URL.',
        propertyNames: { pattern: '^[a-z_][a-z0-9_-]*$' },
        additionalProperties: { $ref: '#/$defs/connection' },
      },
      locks: {
        type: 'array',
        description:
          'What a run changes besides the directory it runs in, locked for the whole run so two runs never change it at once: directories and PostgreSQL databases (an advisory lock).',
        items: { $ref: '#/$defs/lock' },
      },
      steps: {
        type: 'array',
        minItems: 1,
        description: 'The steps, run in order; an entry may be an include: of a fragment file.',
        items: includeOr('step'),
      },
      finally: {
        type: 'array',
        description:
          'Steps that run after the others whatever happened — success, a failure and its rollback, a first Ctrl-C (not a second) — in order, each journaled. A failing one is reported and fails the run, but never hides the first failure.',
        items: includeOr('step'),
      },
      plugins: {
        type: 'array',
        description:
          'Modules that add step kinds, loaded before the plan is checked: paths relative to the plan (./kinds/pg-ping.mjs) or package names. Each default-exports a step kind or a list of them.',
        items: { type: 'string', minLength: 1 },
      },
    },
    $defs: {
      var: {
        type: ['object', 'null'],
        description: 'A variable.',
        additionalProperties: false,
        properties: {
          description: { type: 'string', description: 'What the value is; shown when it is missing.' },
          default: {
            type: ['string', 'number', 'boolean', 'array'],
            items: { type: ['string', 'number', 'boolean'] },
            description: 'Value used when none is given (a list for a var of type list).',
          },
          env: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$', description: 'Environment variable that supplies the value.' },
          fallback_env: {
            type: 'object',
            description:
              'An older environment variable read when env is not set; using it prints the warning, so the plan can move users off it.',
            additionalProperties: false,
            required: ['name', 'warning'],
            properties: {
              name: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$', description: 'The environment variable read second.' },
              warning: { type: 'string', minLength: 1, description: 'Why it should not be used, printed when it is.' },
            },
          },
          required: { type: 'boolean', description: 'exec refuses to start without a value.' },
          secret: { type: 'boolean', description: 'Masked in every line printed and every file written.' },
          type: {
            enum: ['string', 'integer', 'number', 'boolean', 'list'],
            description:
              'Type of the value; command-line text is converted to it. A list is given as comma-separated text (--var dbs=a,b) or a YAML list, and walked by for_each.',
          },
          pattern: { type: 'string', description: 'Regular expression the value must match.' },
          choices: { type: 'array', items: { type: ['string', 'number', 'boolean'] }, minItems: 1, description: 'The allowed values.' },
        },
      },
      connection: {
        type: 'object',
        description: 'A database: `sqlite: path` or `postgres: url`.',
        additionalProperties: false,
        minProperties: 1,
        maxProperties: 1,
        properties: {
          sqlite: { type: 'string', description: 'Path of a SQLite file, relative to the directory runbook runs in.' },
          postgres: {
            type: 'string',
            description: 'PostgreSQL URL (postgresql://user:password@host:port/db). The password is masked everywhere.',
          },
        },
      },
      include: includeSchema,
      lock: {
        type: 'object',
        description:
          "A lock scope: `dir: path` (its .runbook/lock, as the run directory's) or `postgres: connection` (an advisory lock on that database).",
        additionalProperties: false,
        minProperties: 1,
        maxProperties: 1,
        properties: {
          dir: {
            type: 'string',
            minLength: 1,
            description: 'A directory the run changes, relative to the directory runbook runs in (templates allowed).',
          },
          postgres: {
            type: 'string',
            minLength: 1,
            description: 'The name of a postgres connection: its database is locked with a PostgreSQL advisory lock.',
          },
        },
      },
      step: union('step', 'A step.'),
      action: union('action', 'A rollback action: any step kind, without id or rollback of its own.'),
      ...defs,
    },
  };
}
