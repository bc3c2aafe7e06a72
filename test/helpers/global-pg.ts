import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres, type PgServer } from './embedded-pg.js';

let server: PgServer | undefined;

/** Vitest global setup: one embedded PostgreSQL for the whole test run. */
export async function setup(project: TestProject): Promise<void> {
  server = await startEmbeddedPostgres();
  project.provide('pgUrl', server.url);
}

export async function teardown(): Promise<void> {
  await server?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgUrl: string;
  }
}
