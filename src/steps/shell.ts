import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defineStepKind, type DescribeLine, type StepContext, type StepResult } from './kind.js';
import type { JsonValue } from '../core/json.js';
import { stoppedResult } from './process/stopped.js';
import { killGroupOnExit, killProcessGroup } from './process/process-group.js';
import { readyWatchdog, watchGroup } from './process/watchdog.js';
import { shellQuote } from '../core/shell-quote.js';
import { logLines, type LineLogResult } from './shell/line-log.js';
import { compileOutputs, describeOutputs, outputRuleSchema, type OutputExtractor, type OutputRule } from './shell/outputs.js';

/** The fields of a `shell` step, rendered. */
export interface ShellSpec {
  readonly run: string | readonly string[];
  readonly cwd?: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly unset_env?: readonly string[];
  readonly expect_exit?: readonly number[];
  readonly outputs?: Readonly<Record<string, OutputRule>>;
  /** Running it twice does no harm: `runbook resume` may run it again when the run died while it ran. */
  readonly idempotent?: boolean;
}

/** Raw stdout kept in memory for output rules; the rest is only in stdout.log. */
const CAPTURE_BYTES = 1024 * 1024;
/** The `stdout` output keeps this much, so the journal stays small. */
const STDOUT_OUTPUT_BYTES = 64 * 1024;
const STDERR_LINES_IN_MESSAGE = 5;

function commandText(run: ShellSpec['run']): string {
  return typeof run === 'string' ? run : run.map(shellQuote).join(' ');
}

/** The exit codes that count as success: the plan's list, else only 0. */
const expectedExits = (spec: Pick<ShellSpec, 'expect_exit'>): readonly number[] => spec.expect_exit ?? [0];

function expectedText(codes: readonly number[]): string {
  return codes.length === 1 ? String(codes[0]) : `one of ${codes.join(', ')}`;
}

function stderrText(stderr: LineLogResult): string {
  return stderr.lastLines.length === 0
    ? 'it wrote nothing to stderr'
    : `last lines of stderr:\n${stderr.lastLines.map((l) => `  ${l}`).join('\n')}`;
}

/** Returns the working directory, or the failure when it is not a directory. */
function workingDirectory(spec: ShellSpec, ctx: StepContext): string | StepResult {
  const cwd = resolve(ctx.workDir, spec.cwd ?? '.');
  let isDir = false;
  try {
    isDir = statSync(cwd).isDirectory();
  } catch {
    // missing: reported below like a file that is not a directory
  }
  return isDir
    ? cwd
    : {
        ok: false,
        message: `working directory not found: ${cwd}`,
        hint: "check the step's cwd; relative paths start at the directory runbook was started in",
      };
}

/** Applies the output rules to the captured stdout; the first failing rule fails the step. */
function extractOutputs(
  extractors: ReadonlyMap<string, OutputExtractor>,
  stdout: LineLogResult,
  stdoutLog: () => string,
): { readonly outputs: Record<string, JsonValue> } | { readonly error: string; readonly hint: string } {
  const outputs: Record<string, JsonValue> = {};
  for (const [name, extract] of extractors) {
    const got = extract(stdout.captured);
    if ('error' in got) {
      const cut = stdout.truncated ? ` (only the first ${CAPTURE_BYTES / 1024 / 1024} MiB of stdout is searched)` : '';
      return { error: `${got.error}${cut}`, hint: `the command's whole output is in ${stdoutLog()}` };
    }
    outputs[name] = got.value;
  }
  return { outputs };
}

/** The `stdout` output: trimmed and capped, with a warning when the cap cut it. */
function stdoutOutput(stdout: LineLogResult, stdoutLog: () => string, ctx: StepContext): string {
  if (stdout.bytes <= STDOUT_OUTPUT_BYTES) return stdout.captured.trim();
  ctx.warn(
    `stdout has ${stdout.bytes} bytes; the stdout output keeps the first ${STDOUT_OUTPUT_BYTES / 1024} KiB, the whole of it is in ${stdoutLog()}`,
  );
  return Buffer.from(stdout.captured).subarray(0, STDOUT_OUTPUT_BYTES).toString().trim();
}

/** The failure when the program could not be started at all; the program name is masked. */
function spawnFailure(code: string | undefined, program: string, env: Record<string, string>, mask: (t: string) => string): StepResult {
  const shown = mask(program);
  if (code === 'ENOENT') {
    return {
      ok: false,
      message: `command not found: ${shown}`,
      hint: `install it or give its full path; the PATH searched was ${mask(env.PATH ?? '(not set)')}`,
    };
  }
  if (code === 'EACCES') {
    return { ok: false, message: `command is not executable: ${shown}`, hint: `check its permissions (chmod +x ${shown})` };
  }
  return { ok: false, message: `command could not be started: ${shown} (${code ?? 'unknown error'})` };
}

async function runShell(spec: ShellSpec, ctx: StepContext): Promise<StepResult> {
  const compiled = compileOutputs(spec.outputs ?? {});
  if ('errors' in compiled)
    return { ok: false, message: compiled.errors.join('; '), hint: 'fix the outputs of the step; the command was not run' };
  const cwd = workingDirectory(spec, ctx);
  if (typeof cwd !== 'string') return cwd;
  if (ctx.signal.aborted) return stoppedResult(ctx.signal);

  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...ctx.env, ...spec.env })) if (v !== undefined) env[k] = v;
  // Removed, not emptied: a program that loads a dotenv file without override keeps an empty variable.
  for (const name of spec.unset_env ?? []) delete env[name];
  const [file, ...args] = typeof spec.run === 'string' ? ['/bin/sh', '-c', spec.run] : spec.run;
  if (file === undefined) return { ok: false, message: 'run is an empty list; expected the program and its arguments' };

  // detached: the child leads its own process group, so an abort can kill its children too.
  // execa is loaded when a command first runs, not when a plan is only validated.
  const { execa } = await import('execa');
  readyWatchdog();
  const child = execa(file, args, {
    cwd,
    env,
    extendEnv: false,
    detached: true,
    cleanup: false,
    stdin: 'ignore',
    buffer: false,
    reject: false,
  });
  const unguard = child.pid === undefined ? () => {} : killGroupOnExit(child.pid);
  // If runbook dies (kill -9) while it runs, the watchdog ends the group at once; the trail lets
  // the next command find and end it when the watchdog died too.
  const unwatch = child.pid === undefined ? () => {} : watchGroup(child.pid);
  const forget = child.pid === undefined ? () => {} : (ctx.trail?.processGroup(child.pid) ?? (() => {}));
  let killing: Promise<void> | undefined;
  const onAbort = () => {
    if (child.pid !== undefined) killing ??= killProcessGroup(child.pid);
  };
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  // A signal that came while execa was loading has already fired: the listener would never hear it.
  if (ctx.signal.aborted) onAbort();

  // Paths are asked for only when something is written or reported: a silent step makes no directory.
  const stdoutLog = () => join(ctx.stepDir, 'stdout.log');
  const stderrLog = () => join(ctx.stepDir, 'stderr.log');
  const logOptions = { mask: (t: string) => ctx.mask(t), onLine: (l: string) => ctx.output(l), keepLast: STDERR_LINES_IN_MESSAGE };
  const [result, stdout, stderr] = await Promise.all([
    child,
    logLines(child.stdout, { ...logOptions, file: stdoutLog, captureBytes: CAPTURE_BYTES }),
    logLines(child.stderr, { ...logOptions, file: stderrLog, captureBytes: 0 }),
  ]);
  ctx.signal.removeEventListener('abort', onAbort);
  await killing;
  unguard();
  unwatch();
  forget();

  // Judge by whether we killed it: an abort after the command finished does not undo its success.
  if (killing !== undefined)
    return stoppedResult(
      ctx.signal,
      `the command and its child processes were stopped; its output so far is in ${stdoutLog()} and ${stderrLog()}`,
    );
  if (result.exitCode === undefined && result.signal === undefined) return spawnFailure(result.code, file, env, (t) => ctx.mask(t));

  const outputs: Record<string, JsonValue> = { stdout: stdoutOutput(stdout, stdoutLog, ctx), exit_code: result.exitCode ?? null };
  const expected = expectedExits(spec);
  if (result.exitCode === undefined || !expected.includes(result.exitCode)) {
    const how = result.exitCode === undefined ? `was killed by ${result.signal ?? 'a signal'}` : `exited with code ${result.exitCode}`;
    const hint127 =
      result.exitCode === 127 && typeof spec.run === 'string' ? 'exit code 127 means the shell could not find a command; ' : '';
    return {
      ok: false,
      message: `command ${how}, expected ${expectedText(expected)}; ${stderrText(stderr)}`,
      hint: `${hint127}the whole error output is in ${stderrLog()}`,
      outputs,
    };
  }
  const extracted = extractOutputs(compiled.extractors, stdout, stdoutLog);
  if ('error' in extracted) return { ok: false, message: extracted.error, hint: extracted.hint, outputs };
  return { ok: true, outputs: { ...outputs, ...extracted.outputs } };
}

/** Runs a command through /bin/sh, or a program with an argument list, and captures its output. */
export const shell = defineStepKind<ShellSpec>({
  kind: 'shell',
  summary: 'Runs a command (through /bin/sh, or a program with arguments) and captures its output.',
  schema: {
    properties: {
      run: {
        description:
          'The command: a string run by /bin/sh -c, where each {{ }} value reaches the command as data through an environment variable and never runs as code; or a list [program, arg, ...] run without a shell.',
        examples: ['systemctl restart app'],
        oneOf: [
          { type: 'string', minLength: 1 },
          { type: 'array', items: { type: 'string' }, minItems: 1 },
        ],
      },
      cwd: {
        type: 'string',
        minLength: 1,
        description: 'Working directory of the command, relative to the directory runbook was started in.',
      },
      env: {
        type: 'object',
        description:
          'Extra environment variables for the command, added to the environment of the run (names RUNBOOK_VALUE_* carry template values and are taken).',
        propertyNames: { pattern: '^(?!RUNBOOK_VALUE_)[A-Za-z_][A-Za-z0-9_]*$' },
        additionalProperties: { type: 'string' },
      },
      unset_env: {
        type: 'array',
        description:
          "Environment variables removed from the command's environment (after env is applied), e.g. settings of runbook's own that must not reach an app it starts (RUNBOOK_VALUE_* carry template values and cannot be removed).",
        items: { type: 'string', pattern: '^(?!RUNBOOK_VALUE_)[A-Za-z_][A-Za-z0-9_]*$' },
        minItems: 1,
        uniqueItems: true,
      },
      idempotent: {
        type: 'boolean',
        description:
          'Running the command again does no harm (e.g. mkdir -p): when a run died while it ran, `runbook resume` runs it again instead of stopping.',
      },
      expect_exit: {
        type: 'array',
        description: 'Exit codes that count as success; default [0].',
        items: { type: 'integer', minimum: 0, maximum: 255 },
        minItems: 1,
        uniqueItems: true,
      },
      outputs: {
        type: 'object',
        description: 'Named values taken from stdout for later steps ({{steps.ID.outputs.NAME}}); stdout and exit_code are always there.',
        // stdout and exit_code are built in, so a rule may not take their names.
        propertyNames: { pattern: '^(?!(stdout|exit_code)$)[A-Za-z_][A-Za-z0-9_]*$' },
        additionalProperties: outputRuleSchema,
      },
    },
    required: ['run'],
  },
  shellFields: ['run'],
  outputs: (spec) => ['stdout', 'exit_code', ...Object.keys(spec.outputs ?? {})],
  describe(spec, ctx) {
    const lines: DescribeLine[] = [{ label: 'run', text: ctx.mask(commandText(spec.run)) }];
    if (spec.cwd !== undefined) lines.push({ label: 'cwd', text: ctx.mask(spec.cwd) });
    const env = Object.entries(spec.env ?? {});
    if (env.length > 0) lines.push({ label: 'env', text: env.map(([k, v]) => `${k}=${ctx.mask(v)}`).join(', ') });
    if (spec.unset_env) lines.push({ label: 'unset_env', text: spec.unset_env.join(', ') });
    const expected = expectedExits(spec);
    if (expected.length !== 1 || expected[0] !== 0) lines.push({ label: 'expect_exit', text: expected.join(', ') });
    if (spec.outputs && Object.keys(spec.outputs).length > 0)
      lines.push({ label: 'outputs', text: ctx.mask(describeOutputs(spec.outputs)) });
    return lines;
  },
  run: runShell,
});
