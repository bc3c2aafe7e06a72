import type { SchemaObject } from '../../core/json.js';
import { withSchemaDefaults } from '../resolve-spec.js';

/** The fields of a `sqlite-backup` step, rendered. */
export interface SqliteBackupSpec {
  readonly source: string;
  readonly to: string;
  readonly overwrite?: boolean;
}

/** JSON Schema of the fields above, each with a description for `runbook schema` and editors. */
export const properties = {
  source: { type: 'string', minLength: 1, description: 'Name of the sqlite connection (from connections:) whose file is backed up.' },
  to: {
    type: 'string',
    minLength: 1,
    description:
      'Path of the backup, relative to the directory runbook was started in, e.g. backups/catalogue_before_pg_{{now "yyyyMMdd_HHmmss"}}.db; its directory is created when missing.',
    examples: ['backups/app_before_upgrade.db'],
  },
  overwrite: {
    type: 'boolean',
    default: false,
    description: 'Replace an existing file at `to`; otherwise an existing destination fails the step.',
  },
} satisfies { readonly [k: string]: SchemaObject };

/** Fills the fields a step leaves out from the schema's `default:` values (the one place they are written). */
export function resolveSqliteBackupSpec(spec: SqliteBackupSpec) {
  return withSchemaDefaults(spec, properties);
}
