// Where the stand-in finds its settings, the way Agregator does (agregator/config.py, app.py).
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

/**
 * Reads `--dir` (or APP_DIR), `--port` and `--wait`, then the settings. Like Agregator
 * (`_load_dotenv` calls python-dotenv's `load_dotenv` without override), `<app dir>/.env` only
 * fills in what the process environment does not already have: a DATABASE_URL exported in the
 * environment of whoever starts the app beats the one in .env.
 */
export function loadConfig(argv = process.argv.slice(2), processEnv = process.env) {
  const { values } = parseArgs({ args: argv, options: { dir: { type: 'string' }, port: { type: 'string' }, wait: { type: 'string' } } });
  const dir = resolve(values.dir ?? processEnv.APP_DIR ?? process.cwd());
  const env = { ...readDotenv(join(dir, '.env')), ...definedOnly(processEnv) };
  // app.py __main__: AGREGATOR_PORT, then PORT, then 5050.
  const portText = values.port ?? (env.AGREGATOR_PORT || env.PORT || '5050');
  const port = Number(portText);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`PORT must be a TCP port number, got "${portText}"`);
  // AppConfig.load / to_flask_config: SQLALCHEMY_DATABASE_URI, then DATABASE_URL, else <base_dir>/catalogue.db.
  const url = (env.SQLALCHEMY_DATABASE_URI || env.DATABASE_URL || '').trim();
  return {
    dir,
    port,
    databaseUrl: url === '' ? `sqlite:///${join(dir, 'catalogue.db')}` : url.replace(/^postgres:\/\//, 'postgresql://'),
    secretKey: env.FLASK_SECRET_KEY ?? 'dev-secret',
    defaultAdmin: {
      username: (env.DEFAULT_ADMIN_USER || 'admin').trim() || 'admin',
      // ensure_default_admin: DEFAULT_ADMIN_PASSWORD, else ACCESS_CODE, else admin123.
      password: (env.DEFAULT_ADMIN_PASSWORD || '').trim() || (env.ACCESS_CODE || '').trim() || 'admin123',
    },
    pidFile: join(dir, 'standin.pid'),
    logFile: join(dir, 'standin.log'),
    portArgs: values.port ? ['--port', values.port] : [],
    /** How long restart.mjs waits for the new process to answer (`--wait <seconds>`, default 15). */
    waitSeconds: Number(values.wait ?? 15),
  };
}

function definedOnly(env) {
  return Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined));
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

/**
 * The file a SQLAlchemy SQLite URL names: `sqlite:////abs/path.db`, or `sqlite:///relative.db`,
 * which Flask-SQLAlchemy 3 (the app pins 3.1.1) puts in the app's instance folder.
 */
export function sqlitePath(url, dir) {
  const path = url.slice('sqlite:///'.length).split('?')[0];
  if (!url.startsWith('sqlite:///') || path === '') throw new Error(`SQLite URL "${url}" names no file; expected sqlite:////abs/path.db`);
  return isAbsolute(path) ? path : resolve(dir, 'instance', path);
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
