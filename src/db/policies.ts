/**
 * The choices a transfer or an alignment is given, each written once: the step's schema lists
 * them as its `enum:` and the options of src/db take their types from the same arrays.
 */

/** How the tables and rows are carried over (the step adds align-schema, which is no transfer). */
export const TRANSFER_MODES = ['create', 'schema-only', 'data-only', 'test-import'] as const;
export type TransferMode = (typeof TRANSFER_MODES)[number];

/** A value PostgreSQL would refuse: stop, put the row in a reject file, or make the column text. */
export const BAD_VALUE_POLICIES = ['fail', 'reject', 'widen'] as const;
export type BadValuePolicy = (typeof BAD_VALUE_POLICIES)[number];

/** A row whose foreign key points at no parent: stop, put it in a reject file, or keep it without that key. */
export const ORPHAN_POLICIES = ['fail', 'reject', 'keep'] as const;
export type OrphanPolicy = (typeof ORPHAN_POLICIES)[number];

/** A table already in the target: stop, replace it, or empty it first. */
export const IF_EXISTS_POLICIES = ['fail', 'drop', 'truncate'] as const;
export type IfExistsPolicy = (typeof IF_EXISTS_POLICIES)[number];

/** The PostgreSQL type JSON columns get. */
export const JSON_TYPES = ['json', 'jsonb'] as const;
export type JsonType = (typeof JSON_TYPES)[number];

/** SQLite virtual tables (FTS5, R*Tree, ...): left out, or made as empty plain tables. */
export const VIRTUAL_TABLES_POLICIES = ['skip', 'empty'] as const;
export type VirtualTablesPolicy = (typeof VIRTUAL_TABLES_POLICIES)[number];

/** The unit of numbers that stand for instants (Unix epoch) in a date/time column. */
export const EPOCH_UNITS = ['seconds', 'milliseconds'] as const;
export type EpochUnit = (typeof EPOCH_UNITS)[number];
