// The embedded server lives in src/demo/ because `npm run demo` starts one too; tests use the same code.
export { freePort, startEmbeddedPostgres, type PgServer } from '../../src/demo/embedded-postgres.js';
