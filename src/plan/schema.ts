import { durationSchema } from '../steps/duration.js';
import type { AnyStepKind, SchemaObject } from '../steps/kind.js';


const actionCommon: Record<string, SchemaObject> = {
  title: { type: 'string', description: 'What this does, in plain words an operator reads in progress output and reviews.' },
  when: { type: 'string', description: 'A condition; the step is skipped (with the reason shown) when it is false. E.g. `vars.transfer_tool == "pgloader"`.' },
  timeout: { ...durationSchema, description: 'Stop the step when it runs longer than this (e.g. 30s, 10m).' },
  retries: { type: 'integer', minimum: 0, maximum: 100, description: 'How many more times to try after a failure, with backoff.' },
  retry_delay: { ...durationSchema, description: 'Delay before the first retry; doubles for each later one. Default 1s.' },
  continue_on_error: { type: 'boolean', description: 'Record a failure of this step and go on instead of rolling back.' },
};

const stepCommon: Record<string, SchemaObject> = {
  id: { type: 'string', pattern: '^[a-z][a-z0-9]*(-[a-z0-9]+)*$', description: 'Unique kebab-case name of the step; later steps read its outputs as steps.<id>.outputs.<name>.' },
  description: { type: 'string', description: 'Longer explanation for reviewers and for `runbook explain`.' },
  undo_when: { type: 'string', description: "A condition for the kind's built-in undo at rollback (e.g. `vars.drop_target_on_rollback`); when false the step's effect is kept and the report says so." },
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
  const own = kind.schema.properties;
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
          items: { $ref: '#/$defs/action' },
        },
      }),
    },
    required: [...(withRollback ? ['id'] : []), 'kind', ...(kind.schema.required ?? [])],
    additionalProperties: false,
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
      name: { type: 'string', pattern: '^[a-z][a-z0-9]*(-[a-z0-9]+)*$', description: 'Kebab-case name of the plan, used in run ids and reports.' },
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
        description: 'What a run changes besides the directory it runs in, locked for the whole run so two runs never change it at once: directories and PostgreSQL databases (an advisory lock).',
        items: { $ref: '#/$defs/lock' },
      },
      steps: { type: 'array', minItems: 1, description: 'The steps, run in order.', items: { $ref: '#/$defs/step' } },
    },
    $defs: {
      var: {
        type: ['object', 'null'],
        description: 'A variable.',
        additionalProperties: false,
        properties: {
          description: { type: 'string', description: 'What the value is; shown when it is missing.' },
          default: { type: ['string', 'number', 'boolean'], description: 'Value used when none is given.' },
          env: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$', description: 'Environment variable that supplies the value.' },
          fallback_env: {
            type: 'object',
            description: 'An older environment variable read when env is not set; using it prints the warning, so the plan can move users off it.',
            additionalProperties: false,
            required: ['name', 'warning'],
            properties: {
              name: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$', description: 'The environment variable read second.' },
              warning: { type: 'string', minLength: 1, description: 'Why it should not be used, printed when it is.' },
            },
          },
          required: { type: 'boolean', description: 'exec refuses to start without a value.' },
          secret: { type: 'boolean', description: 'Masked in every line printed and every file written.' },
          type: { enum: ['string', 'integer', 'number', 'boolean'], description: 'Type of the value; command-line text is converted to it.' },
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
          postgres: { type: 'string', description: 'PostgreSQL URL (postgresql://user:password@host:port/db). The password is masked everywhere.' },
        },
      },
      lock: {
        type: 'object',
        description: 'A lock scope: `dir: path` (its .runbook/lock, as the run directory\'s) or `postgres: connection` (an advisory lock on that database).',
        additionalProperties: false,
        minProperties: 1,
        maxProperties: 1,
        properties: {
          dir: { type: 'string', minLength: 1, description: 'A directory the run changes, relative to the directory runbook runs in (templates allowed).' },
          postgres: { type: 'string', minLength: 1, description: 'The name of a postgres connection: its database is locked with a PostgreSQL advisory lock.' },
        },
      },
      step: union('step', 'A step.'),
      action: union('action', 'A rollback action: any step kind, without id or rollback of its own.'),
      ...defs,
    },
  };
}
