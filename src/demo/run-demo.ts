import { relative } from 'node:path';
import { main } from '../cli/main.js';
import { exitDrained, onUncaught } from '../cli/run-process.js';
import { Interrupts, stopSignals } from '../engine/interrupts.js';
import { createDatabase } from './demo-database.js';
import { demoSummary, fingerprints } from './demo-summary.js';
import { parseDemoOptions } from './demo-options.js';
import { portFree, startEmbeddedPostgres, type PgServer } from './embedded-postgres.js';
import { defaultPlanPath, demoAdminPassword as adminPassword, execArgs, secretEnv } from './plan-args.js';
import { appDatabase, repoRoot, restartStandin, stopStandin } from './standin.js';
import { createAppWorkspace, type AppWorkspace } from './workspace.js';

const say = (line = '') => process.stdout.write(`${line}\n`);

/** Runs the plan in-process on the prepared workspace and prints what it left behind. */
async function runPlan(app: AppWorkspace, databaseUrl: string, failAt: string | undefined, interrupts: Interrupts): Promise<number> {
  const before = fingerprints(app);
  say(
    `  plan        ${relative(process.cwd(), defaultPlanPath)}${failAt ? ` (step "${failAt}" is made to fail, to show the rollback)` : ''}\n`,
  );
  const code = await main(execArgs(app, failAt === undefined ? {} : { failAt }), {
    stdout: process.stdout,
    stderr: process.stderr,
    env: { ...process.env, ...secretEnv(databaseUrl, adminPassword) },
    cwd: app.dir,
    interrupts,
  });
  say();
  for (const line of await demoSummary(app, before, `${repoRoot}/bin/runbook.js`)) say(line);
  return code;
}

/**
 * `npm run demo`: a workspace with a generated catalogue.db and .env, an embedded PostgreSQL, the
 * stand-in app on SQLite, then the default plan; the app and PostgreSQL are always stopped at the
 * end (the workspace stays for a look). Exits with the plan's exit code.
 */
async function demo(argv: readonly string[]): Promise<number> {
  const parsed = parseDemoOptions(argv);
  if (!parsed.ok) {
    process.stdout.write(parsed.stdout);
    process.stderr.write(parsed.stderr);
    return parsed.code;
  }
  const opts = parsed.options;
  for (const [port, option] of [
    [opts.pgPort, '--pg-port'],
    [opts.appPort, '--app-port'],
  ] as const) {
    if (port !== undefined && !(await portFree(port))) {
      process.stderr.write(
        `demo: port ${port} (${option}) is in use on 127.0.0.1\n  hint: name another port, or leave ${option} out for a free one\n`,
      );
      return 2;
    }
  }
  const interrupts = new Interrupts();
  // An error nobody caught (a server that cannot be spawned) is one paragraph, never a stack trace.
  onUncaught(interrupts, ['demo', ...argv], process.stderr, (code) => void exitDrained(code));
  // Ctrl-C goes to the run (it stops the step and rolls back); the cleanup below happens regardless.
  for (const signal of stopSignals) process.on(signal, () => interrupts.press(signal));
  const stopped = () => {
    if (interrupts.count > 0) say('interrupted before the plan started');
    return interrupts.count > 0;
  };

  say('runbook demo: migrate the Agregator catalogue from SQLite to PostgreSQL, end to end');
  let app: AppWorkspace | undefined;
  let server: PgServer | undefined;
  try {
    app = await createAppWorkspace({ adminPassword, ...(opts.appPort !== undefined && { port: opts.appPort }) });
    const rows = Object.values(app.tables).reduce((a, b) => a + b, 0);
    say(
      `  workspace   ${app.dir} (catalogue.db: ${app.tables.files ?? 0} files, ${rows} rows in ${Object.keys(app.tables).length} tables; .env; backups/)`,
    );
    if (stopped()) return 130;
    server = await startEmbeddedPostgres(opts.pgPort !== undefined ? { port: opts.pgPort } : {});
    const database = await createDatabase(server.url, 'agregator');
    say(`  PostgreSQL  ${database.serverVersion} (embedded) on 127.0.0.1:${server.port}, database agregator`);
    if (stopped()) return 130;
    const started = await restartStandin(app.dir);
    if (!started.ok) throw new Error(`the stand-in app did not start:\n${started.output}`);
    const serving = await appDatabase(app.appUrl, adminPassword);
    say(`  the app     stand-in on ${app.appUrl}, serving from ${serving.ok ? serving.dialect : `? (${serving.error})`}`);
    if (stopped()) return 130;
    return await runPlan(app, database.url, opts.failAt, interrupts);
  } catch (error) {
    process.stderr.write(`demo: could not set up the demo: ${(error as Error).message}\n`);
    return 1;
  } finally {
    if (app) await stopStandin(app.dir);
    await server?.stop().catch((error: Error) => process.stderr.write(`demo: stopping PostgreSQL failed: ${error.message}\n`));
    if (app) say(`\nstopped the app and PostgreSQL; the workspace stays in ${app.dir}`);
  }
}

// embedded-postgres hooks the end of the event loop to exit with 0, so the exit code is set explicitly,
// once a slow reader of the output has it all.
await exitDrained(await demo(process.argv.slice(2)));
