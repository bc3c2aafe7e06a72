/** The JSON-schema fragment of a `count-compare` step, its spec type and the spec with defaults filled in. */

import { withSchemaDefaults } from '../resolve-spec.js';

/** What is compared: row counts, or counts and then every row's checksum. */
const VERIFY = ['counts', 'checksums'] as const;

/** The fields of a `count-compare` step, rendered. */
export interface CountCompareSpec {
  readonly source: string;
  readonly target: string;
  readonly tables?: readonly string[];
  readonly where?: Readonly<Record<string, string>>;
  readonly schema?: string;
  readonly schemas?: readonly string[];
  readonly verify?: (typeof VERIFY)[number];
  readonly secret_columns?: readonly string[];
}

const nameList = (description: string) => ({
  type: 'array',
  description,
  items: { type: 'string', minLength: 1 },
  minItems: 1,
  uniqueItems: true,
});

/** The fields of a `count-compare` step and their defaults. */
export const countCompareSchema = {
  properties: {
    source: { type: 'string', minLength: 1, description: 'Connection whose counts are expected (from connections:).' },
    target: { type: 'string', minLength: 1, description: 'Connection whose counts must match the source (from connections:).' },
    tables: nameList(
      'Tables to compare; default all tables of the source (without SQLite internals, virtual tables and their shadow tables).',
    ),
    where: {
      type: 'object',
      description: 'Per table, an SQL condition both sides count with (table name -> condition, e.g. files: "deleted = 0").',
      additionalProperties: { type: 'string', minLength: 1 },
    },
    schema: { type: 'string', minLength: 1, description: 'One PostgreSQL schema the tables are in (the one-name form of schemas).' },
    schemas: nameList(
      'PostgreSQL schemas the tables are in; default every schema but the system ones (a name in two of them must be chosen with this list).',
    ),
    verify: {
      enum: VERIFY,
      default: 'counts',
      description:
        'counts: row counts only. checksums: counts, then a checksum of every row in a canonical form, by key ranges, narrowed down to the rows that differ.',
    },
    secret_columns: nameList(
      'Columns whose values are never shown when rows differ (table.column, or column in every table); names like password, token, api_key are always masked.',
    ),
  },
  required: ['source', 'target'],
};

/** The step's fields with the schema's defaults filled in (verify). */
export type ResolvedCountCompareSpec = ReturnType<typeof resolveCountCompareSpec>;

/** Fills the fields a step leaves out from the schema's `default:` values (the one place they are written). */
export function resolveCountCompareSpec(spec: CountCompareSpec) {
  return withSchemaDefaults(spec, countCompareSchema.properties);
}
