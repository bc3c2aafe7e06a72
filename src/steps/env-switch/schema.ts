import type { SchemaObject } from '../../core/json.js';
import { withSchemaDefaults } from '../resolve-spec.js';

/** The fields of an `env-switch` step, rendered. */
export interface EnvSwitchSpec {
  readonly file: string;
  readonly set?: Readonly<Record<string, string>>;
  readonly update?: Readonly<Record<string, string>>;
  readonly unset?: readonly string[];
  readonly create?: boolean;
}

const KEY_PATTERN = '^[A-Za-z_][A-Za-z0-9_]*$';

/** JSON Schema of the fields above, each with a description for `runbook schema` and editors. */
export const properties = {
  file: {
    type: 'string',
    minLength: 1,
    description: 'The dotenv file, relative to the directory runbook was started in.',
    examples: ['.env'],
  },
  set: {
    type: 'object',
    description: 'Keys to set, with their new values; existing lines are changed in place, new keys are appended.',
    examples: [{ APP_MODE: 'maintenance' }],
    propertyNames: { pattern: KEY_PATTERN },
    additionalProperties: { type: 'string' },
  },
  update: {
    type: 'object',
    description:
      'Like set, but only for keys already in the file: their lines get the new values; keys not in the file are left absent, and are neither listed in changed nor passed to the environment of later steps.',
    propertyNames: { pattern: KEY_PATTERN },
    additionalProperties: { type: 'string' },
  },
  unset: {
    type: 'array',
    description: 'Keys whose lines are removed from the file.',
    items: { type: 'string', pattern: KEY_PATTERN },
    uniqueItems: true,
  },
  create: {
    type: 'boolean',
    default: false,
    description: 'Create the file (mode 0600) when it does not exist; otherwise a missing file fails the step.',
  },
} satisfies { readonly [k: string]: SchemaObject };

/** Fills the fields a step leaves out from the schema's `default:` values (the one place they are written). */
export function resolveEnvSwitchSpec(spec: EnvSwitchSpec) {
  return withSchemaDefaults(spec, properties);
}
