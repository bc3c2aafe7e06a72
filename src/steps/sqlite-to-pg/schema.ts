import type { SchemaObject } from '../../core/json.js';
import type { CastRule } from '../../db/ddl/typemap.js';
import {
  BAD_VALUE_POLICIES,
  EPOCH_UNITS,
  IF_EXISTS_POLICIES,
  JSON_TYPES,
  ORPHAN_POLICIES,
  TRANSFER_MODES,
  VIRTUAL_TABLES_POLICIES,
  type BadValuePolicy,
  type IfExistsPolicy,
  type JsonType,
  type OrphanPolicy,
  type VirtualTablesPolicy,
} from '../../db/policies.js';
import { withSchemaDefaults } from '../resolve-spec.js';

/** The step's modes: the transfer's, plus align-schema (repair what pgloader loaded). */
const MODES = [...TRANSFER_MODES, 'align-schema'] as const;
export type SqliteToPgMode = (typeof MODES)[number];

/** The `sqlite-to-pg` step's own fields as YAML writes them. */
export interface SqliteToPgSpec {
  readonly source: string;
  readonly target: string;
  readonly mode?: SqliteToPgMode;
  readonly schema?: string;
  readonly tables?: readonly string[];
  readonly exclude?: readonly string[];
  readonly cast?: readonly CastRule[];
  readonly json_type?: JsonType;
  readonly on_bad_value?: BadValuePolicy;
  readonly on_orphans?: OrphanPolicy;
  readonly if_exists?: IfExistsPolicy;
  readonly parallel?: number;
  readonly drop_virtual_copies?: boolean;
  readonly virtual_tables?: VirtualTablesPolicy;
}

const names: SchemaObject = { type: 'array', items: { type: 'string', minLength: 1 }, uniqueItems: true };

/** JSON Schema of the fields above, each with a description for `runbook schema` and editors. */
export const properties = {
  source: { type: 'string', description: 'Name of the SQLite connection to read from.' },
  target: { type: 'string', description: 'Name of the PostgreSQL connection to write to.' },
  mode: {
    enum: MODES,
    default: 'create',
    description:
      'create: make the tables, load the rows, then build keys, indexes and foreign keys. schema-only: the tables and keys without rows. data-only: load into existing empty tables (made by migrations). test-import: a full load into a scratch schema that is dropped afterwards. align-schema: repair a database pgloader loaded (identity keys, NOT NULL, timestamp/double/varchar/boolean types, key names, foreign keys) in one transaction.',
  },
  schema: { type: 'string', minLength: 1, default: 'public', description: 'PostgreSQL schema the tables go to (created when missing).' },
  tables: { ...names, description: 'Only these SQLite tables (default: every table).' },
  exclude: { ...names, description: 'SQLite tables left out.' },
  cast: {
    type: 'array',
    description: 'Type overrides, first match wins: for one column ("table.column") or every column of a declared SQLite type.',
    items: {
      type: 'object',
      additionalProperties: false,
      required: ['to'],
      oneOf: [{ required: ['column'] }, { required: ['type'] }],
      properties: {
        column: { type: 'string', pattern: '^[^.]+\\.[^.]+$', description: 'A column as "table.column".' },
        type: { type: 'string', description: 'A declared SQLite type name, e.g. DATETIME.' },
        to: { type: 'string', description: 'The PostgreSQL type, e.g. timestamptz, text, jsonb, bigint, varchar(255).' },
        epoch: { enum: EPOCH_UNITS, description: 'Numbers in this date/time column are Unix epoch values in this unit.' },
      },
    },
  },
  json_type: { enum: JSON_TYPES, default: 'json', description: 'PostgreSQL type of JSON columns (SQLAlchemy JSON expects json).' },
  on_bad_value: {
    enum: BAD_VALUE_POLICIES,
    default: 'fail',
    description:
      'A value PostgreSQL would refuse (NUL byte, invalid UTF-8, text in a number column, bad date): fail names it; reject writes the row to a reject file in the run directory and loads the rest; widen makes a column whose values cannot share its type text (values verbatim, reported) and rejects what text cannot hold either.',
  },
  on_orphans: {
    enum: ORPHAN_POLICIES,
    default: 'fail',
    description:
      'Rows whose foreign key points at no parent: fail lists them; reject writes them to a reject file; keep loads them and leaves that foreign key out.',
  },
  if_exists: {
    enum: IF_EXISTS_POLICIES,
    default: 'fail',
    description:
      'Tables already in the target: fail stops; drop replaces them (create mode); truncate empties them first (data-only). Rollback cannot bring back dropped or truncated rows.',
  },
  parallel: {
    type: 'integer',
    minimum: 1,
    maximum: 16,
    default: 2,
    description: 'Tables loaded (and indexed) at once, each on its own connection.',
  },
  drop_virtual_copies: {
    type: 'boolean',
    default: false,
    description:
      "align-schema: drop the plain tables pgloader made of SQLite virtual (FTS5) tables and their shadow tables; by default they are kept and reported. With virtual_tables: empty the virtual tables' copies are replaced instead, and only the shadow tables are dropped.",
  },
  virtual_tables: {
    enum: VIRTUAL_TABLES_POLICIES,
    default: 'skip',
    description:
      'SQLite virtual tables (FTS5, FTS4, R*Tree, ...): skip leaves them out and reports them; empty makes each one an empty plain table with its declared columns plus rowid (the primary key), for an app that still writes to them on PostgreSQL (DELETE ... WHERE rowid = ..., INSERT with an explicit rowid). Their shadow tables (_data, _idx, _content, _docsize, _config) are never copied. In align-schema mode, empty replaces the copies pgloader made of them (no rowid) with such tables.',
  },
} satisfies { readonly [k: string]: SchemaObject };

/** The step's fields with every default of the schema above filled in: what the code below the entry points takes. */
export type ResolvedSqliteToPgSpec = ReturnType<typeof resolveSqliteToPgSpec>;

/** Fills the fields a step leaves out from the schema's `default:` values (the one place they are written). */
export function resolveSqliteToPgSpec(spec: SqliteToPgSpec) {
  return withSchemaDefaults(spec, properties);
}
