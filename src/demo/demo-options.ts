import { parseArgs } from 'node:util';

/** What `npm run demo` was asked for. */
export interface DemoOptions {
  /** Make this step fail instead of running it, to show the rollback. */
  readonly failAt?: string;
  /** The embedded PostgreSQL's port (a free one when not given). */
  readonly pgPort?: number;
  /** The stand-in app's port (a free one when not given). */
  readonly appPort?: number;
}

/** The demo's help text. */
export const demoUsage =
  'usage: npm run demo [-- --fail-at <step-id>] [--pg-port <port>] [--app-port <port>]\n' +
  '  runs plans/sqlite-to-pg.yaml on a generated catalogue, an embedded PostgreSQL and a stand-in app;\n' +
  '  --fail-at makes that step fail, to show the rollback; --pg-port and --app-port choose the ports\n' +
  '  of PostgreSQL and the app on 127.0.0.1 (free ones when left out)\n';

/** The options, or what to print and the exit code when they are wrong or only help was asked for. */
export type ParsedDemoOptions =
  | { readonly ok: true; readonly options: DemoOptions }
  | { readonly ok: false; readonly code: number; readonly stdout: string; readonly stderr: string };

const known = ['fail-at', 'pg-port', 'app-port', 'help'];

function port(value: string | boolean | undefined, name: string): number | string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 65535)
    return `--${name} needs a port number from 1 to 65535${typeof value === 'string' ? `, got "${value}"` : ''}`;
  return Number(value);
}

/** Parses the demo's arguments (`npm run demo -- ...` may pass npm's `--` separator through). */
export function parseDemoOptions(argv: readonly string[]): ParsedDemoOptions {
  const args = argv[0] === '--' ? argv.slice(1) : [...argv];
  const { values, tokens } = parseArgs({
    args,
    strict: false,
    tokens: true,
    options: {
      'fail-at': { type: 'string' },
      'pg-port': { type: 'string' },
      'app-port': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const wrong = tokens.find((t) => (t.kind === 'option' && !known.includes(t.name)) || t.kind === 'positional');
  const pgPort = port(values['pg-port'], 'pg-port');
  const appPort = port(values['app-port'], 'app-port');
  const problem =
    wrong?.kind === 'option'
      ? `unknown option "${wrong.rawName}"`
      : wrong?.kind === 'positional'
        ? `unexpected argument "${wrong.value}"`
        : values['fail-at'] === true
          ? '--fail-at needs a step id'
          : typeof pgPort === 'string'
            ? pgPort
            : typeof appPort === 'string'
              ? appPort
              : pgPort !== undefined && pgPort === appPort
                ? `--pg-port and --app-port are both ${pgPort}; they need two different ports`
                : undefined;
  if (problem !== undefined) return { ok: false, code: 2, stdout: '', stderr: `demo: ${problem}\n${demoUsage}` };
  if (values.help) return { ok: false, code: 0, stdout: demoUsage, stderr: '' };
  return {
    ok: true,
    options: {
      ...(typeof values['fail-at'] === 'string' && { failAt: values['fail-at'] }),
      ...(typeof pgPort === 'number' && { pgPort }),
      ...(typeof appPort === 'number' && { appPort }),
    },
  };
}
