// Where the stand-in finds its settings: the app directory and its .env file, like Agregator.
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

/**
 * Reads `--dir` (or APP_DIR), `--port` and `--wait`, then `<app dir>/.env`. Database and port settings
 * come from the .env file only, never from the process environment, so that what a runbook
 * writes into .env is exactly what the restarted app uses.
 */
export function loadConfig(argv = process.argv.slice(2)) {
  const { values } = parseArgs({ args: argv, options: { dir: { type: 'string' }, port: { type: 'string' }, wait: { type: 'string' } } });
  const dir = resolve(values.dir ?? process.env.APP_DIR ?? process.cwd());
  const env = readDotenv(join(dir, '.env'));
  const port = Number(values.port ?? env.PORT ?? 5050);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`PORT must be a TCP port number, got "${values.port ?? env.PORT}"`);
  return {
    dir,
    port,
    databaseUrl: env.SQLALCHEMY_DATABASE_URI || env.DATABASE_URL || `sqlite:///${join(dir, 'catalogue.db')}`,
    secretKey: env.SECRET_KEY || undefined,
    pidFile: join(dir, 'standin.pid'),
    logFile: join(dir, 'standin.log'),
    portArgs: values.port ? ['--port', values.port] : [],
    /** How long restart.mjs waits for a healthy answer (`--wait <seconds>`, default 15). */
    waitSeconds: Number(values.wait ?? 15),
  };
}

/** KEY=VALUE lines; `#` comments, `export ` prefixes and surrounding quotes are allowed. */
export function readDotenv(path) {
  if (!existsSync(path)) return {};
  const env = {};
  for (const line of readFileSync(path, 'utf8').split(/\r?\n/)) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!match) continue;
    const [, key, raw] = match;
    env[key] = /^(['"]).*\1$/.test(raw) ? raw.slice(1, -1) : raw.replace(/\s+#.*$/, '');
  }
  return env;
}

/** The file a SQLAlchemy SQLite URL names: `sqlite:///relative.db` (from the app dir) or `sqlite:////abs/path.db`. */
export function sqlitePath(url, dir) {
  const path = url.slice('sqlite:///'.length).split('?')[0];
  if (!url.startsWith('sqlite:///') || path === '') throw new Error(`SQLite URL "${url}" names no file; expected sqlite:///catalogue.db or sqlite:////abs/path.db`);
  return isAbsolute(path) ? path : resolve(dir, path);
}

/** A database URL with its password hidden, for logs. */
export function redactUrl(url) {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^@\s]*@/i, '$1****@');
}

/** loadConfig for the command-line scripts: a bad argument or setting is printed, not thrown. */
export function loadConfigOrExit() {
  try {
    return loadConfig();
  } catch (error) {
    console.error(error.message);
    process.exit(2);
  }
}
