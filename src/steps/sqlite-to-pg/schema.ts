import type { SchemaObject } from '../../core/json.js';

/** The `sqlite-to-pg` step's own fields as YAML writes them. */
export interface SqliteToPgSpec {
  readonly source: string;
  readonly target: string;
  readonly mode?: 'create' | 'schema-only' | 'data-only' | 'test-import' | 'align-schema';
  readonly schema?: string;
  readonly tables?: readonly string[];
  readonly exclude?: readonly string[];
  readonly cast?: readonly {
    readonly column?: string;
    readonly type?: string;
    readonly to: string;
    readonly epoch?: 'seconds' | 'milliseconds';
  }[];
  readonly json_type?: 'json' | 'jsonb';
  readonly on_bad_value?: 'fail' | 'reject' | 'widen';
  readonly on_orphans?: 'fail' | 'reject' | 'keep';
  readonly if_exists?: 'fail' | 'drop' | 'truncate';
  readonly parallel?: number;
  readonly drop_virtual_copies?: boolean;
  readonly virtual_tables?: 'skip' | 'empty';
}

const names: SchemaObject = { type: 'array', items: { type: 'string', minLength: 1 }, uniqueItems: true };

/** JSON Schema of the fields above, each with a description for `runbook schema` and editors. */
export const properties: { readonly [k: string]: SchemaObject } = {
  source: { type: 'string', description: 'Name of the SQLite connection to read from.' },
  target: { type: 'string', description: 'Name of the PostgreSQL connection to write to.' },
  mode: {
    enum: ['create', 'schema-only', 'data-only', 'test-import', 'align-schema'],
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
        epoch: { enum: ['seconds', 'milliseconds'], description: 'Numbers in this date/time column are Unix epoch values in this unit.' },
      },
    },
  },
  json_type: { enum: ['json', 'jsonb'], default: 'json', description: 'PostgreSQL type of JSON columns (SQLAlchemy JSON expects json).' },
  on_bad_value: {
    enum: ['fail', 'reject', 'widen'],
    default: 'fail',
    description:
      'A value PostgreSQL would refuse (NUL byte, invalid UTF-8, text in a number column, bad date): fail names it; reject writes the row to a reject file in the run directory and loads the rest; widen makes a column whose values cannot share its type text (values verbatim, reported) and rejects what text cannot hold either.',
  },
  on_orphans: {
    enum: ['fail', 'reject', 'keep'],
    default: 'fail',
    description:
      'Rows whose foreign key points at no parent: fail lists them; reject writes them to a reject file; keep loads them and leaves that foreign key out.',
  },
  if_exists: {
    enum: ['fail', 'drop', 'truncate'],
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
    enum: ['skip', 'empty'],
    default: 'skip',
    description:
      'SQLite virtual tables (FTS5, FTS4, R*Tree, ...): skip leaves them out and reports them; empty makes each one an empty plain table with its declared columns plus rowid (the primary key), for an app that still writes to them on PostgreSQL (DELETE ... WHERE rowid = ..., INSERT with an explicit rowid). Their shadow tables (_data, _idx, _content, _docsize, _config) are never copied. In align-schema mode, empty replaces the copies pgloader made of them (no rowid) with such tables.',
  },
};
