import { join } from 'node:path';
import { repoRoot, restartCommand, stopCommand } from './standin.js';
import type { AppWorkspace } from './workspace.js';

/** The admin password of the generated catalogue (createCatalogue's default). */
export const demoAdminPassword = 'admin-demo-pass';

/** The default plan, by absolute path. */
export const defaultPlanPath = join(repoRoot, 'plans', 'sqlite-to-pg.yaml');

/** How to run the default plan against an app workspace. */
export interface PlanRunOptions {
  /** Make this step fail instead of running it (the rollback drill). */
  readonly failAt?: string;
  /** More `name=value` vars, e.g. `transfer_tool=pgloader`. */
  readonly vars?: readonly string[];
  /** Another plan file to run instead of the default plan (e.g. an edited copy). */
  readonly plan?: string;
}

/**
 * The argv of `runbook exec` for the default plan on an app workspace whose stand-in listens on
 * its PORT. The database URL and admin password are not here: they go in the environment.
 */
export function execArgs(app: AppWorkspace, options: PlanRunOptions = {}): string[] {
  const vars = [
    `app_dir=${app.dir}`,
    `app_url=${app.appUrl}`,
    `stop_cmd=${stopCommand(app.dir)}`,
    `restart_cmd=${restartCommand(app.dir)}`,
    ...(options.vars ?? []),
  ];
  return [
    'exec',
    options.plan ?? defaultPlanPath,
    '--yes',
    ...vars.flatMap((v) => ['--var', v]),
    ...(options.failAt !== undefined ? ['--fail-at', options.failAt] : []),
  ];
}

/** The environment variables the default plan reads its secrets from (RUNBOOK_DATABASE_URL never reaches the app). */
export function secretEnv(databaseUrl: string, adminPassword: string): Record<string, string> {
  return { RUNBOOK_DATABASE_URL: databaseUrl, AGREGATOR_ADMIN_PASSWORD: adminPassword };
}
