/**
 * The contract every step kind fulfils. A kind is one file in this folder plus one line in
 * `index.ts`; the engine only ever talks to kinds through this interface.
 */

import type { JsonValue, SchemaObject } from '../core/json.js';
import type { ConnectionSpec } from '../core/connection.js';

/** One line of a dry-run description: `label: text`. */
export interface DescribeLine {
  readonly label: string;
  readonly text: string;
}

/** Live progress of a long step, e.g. rows copied. */
export interface Progress {
  readonly label?: string;
  readonly done: number;
  readonly total?: number;
  readonly unit?: string;
}

/**
 * Where a run notes what a crash of runbook would leave behind, before it exists: temp files
 * and child process groups. The next command in the directory ends or removes what is left.
 */
export interface CrashTrail {
  /** The run's id, put into temp file names so a crash leaves them findable by eye too. */
  readonly runId: string;
  /** Notes a temp file before it is created; call the returned function once it is gone or renamed. */
  tempFile(path: string): () => void;
  /** Notes a child's process group right after it starts; call the returned function once it has ended. */
  processGroup(pgid: number): () => void;
}

/** What a running step may use; everything with effects comes through here. */
export interface StepContext {
  readonly stepId: string;
  /** Directory that relative paths in the plan resolve against (the directory `runbook` was started in). */
  readonly workDir: string;
  /** A private directory of the run for this step's files (captured output, kept originals). */
  readonly stepDir: string;
  /** Environment for child processes: the process env plus changes made by earlier steps. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Resolves a connection name declared in the plan. Throws only for names validation let through (a bug). */
  connection(name: string): ConnectionSpec;
  /** Aborted on Ctrl-C or when the step's timeout expires; kinds stop their work when it fires. */
  readonly signal: AbortSignal;
  /** `--yes` was given: human gates pass without asking. */
  readonly assumeYes: boolean;
  /** Asks the operator a yes/no question on the terminal; undefined when there is no terminal. */
  readonly ask?: (question: string) => Promise<boolean>;
  /** The latest line of live output (shown under the step title; masked by the UI). */
  output(line: string): void;
  progress(p: Progress): void;
  /** Masks every secret value and URL password in a text before it is written anywhere. */
  mask(text: string): string;
  /** Records a warning that goes to the journal and report without failing the step. */
  warn(message: string): void;
  /** Where to note temp files and child processes; absent when runbook runs without a run directory. */
  readonly trail?: CrashTrail;
}

/** A step's result: a value, never an exception, for every failure the kind expects. */
export type StepResult =
  | {
      readonly ok: true;
      readonly outputs: { readonly [k: string]: JsonValue };
      /** Plain JSON (no secrets) that `undo` needs to reverse this step, journaled. */
      readonly undo?: JsonValue;
      /** Environment changes for later steps: a string sets, null unsets. */
      readonly env?: { readonly [k: string]: string | null };
      /** A short sentence for the report ("12 tables, 34 567 rows"). */
      readonly note?: string;
    }
  | {
      readonly ok: false;
      /** One paragraph: what was expected and what was found. */
      readonly message: string;
      readonly hint?: string;
      readonly outputs?: { readonly [k: string]: JsonValue };
      /** When the step changed something before failing, the token to reverse it. */
      readonly undo?: JsonValue;
    };

/** Context of a dry run: nothing executes, step outputs are placeholders. */
export interface DescribeContext {
  /** The rendered connection, or undefined when its templates need outputs not known before the run. */
  connection(name: string): ConnectionSpec | undefined;
  mask(text: string): string;
}

/** Context of `inspect`: like a dry run, plus where relative paths resolve. */
export interface InspectContext extends DescribeContext {
  readonly workDir: string;
}

/** A step kind. `Spec` is the step's own fields after template rendering and schema validation. */
export interface StepKind<Spec extends object = Record<string, unknown>> {
  /** The YAML `kind:` value, also the file name `src/steps/<kind>.ts`. */
  readonly kind: string;
  /** One sentence for `runbook schema` descriptions and `explain`. */
  readonly summary: string;
  /** JSON Schema of the kind's own fields (`properties`, `required`); common step fields are added for it. */
  readonly schema: { readonly properties: { readonly [k: string]: SchemaObject }; readonly required?: readonly string[] };
  /** Output names later steps may read; '*' when any name may appear (e.g. result columns). */
  outputs(spec: Spec): readonly string[] | '*';
  /** Top-level fields whose value is the name of a connection from `connections:`. */
  readonly connectionFields?: readonly string[];
  /**
   * Top-level fields a shell runs (a list field: the script after a shell's -c). Each template
   * value becomes a reference such as "${RUNBOOK_VALUE_1}" to a variable the engine adds to
   * `ctx.env`, so the kind must run them with `ctx.env`; `raw: true` is then allowed on the step.
   */
  readonly shellFields?: readonly string[];
  /** Pure: what the step would do, for `runbook plan`. */
  describe(spec: Spec, ctx: DescribeContext): readonly DescribeLine[];
  /**
   * Optional read-only look at real inputs for a richer dry run (e.g. the DDL a transfer would
   * run, read from the SQLite file). Never writes; `runbook plan` shows its lines after `describe`'s.
   */
  inspect?(spec: Spec, ctx: InspectContext): Promise<readonly DescribeLine[]>;
  /** Does the work. Expected failures are returned, not thrown. */
  run(spec: Spec, ctx: StepContext): Promise<StepResult>;
  /** The kind's own inverse, run at rollback with the token `run` returned. */
  undo?(token: JsonValue, ctx: StepContext): Promise<StepResult>;
  /**
   * The undo token of a run of this step that died before it returned one, read back from what the
   * step keeps on the system it changes; `runbook rollback` of a crashed run asks for it.
   */
  undoAfterCrash?(spec: Spec, ctx: StepContext): Promise<JsonValue | undefined>;
  /** What `undo` will do, for `runbook plan` ("restore .env byte-for-byte"). */
  readonly undoSummary?: string;
  /** What the step left changed and the command that undoes it by hand, for when its rollback could not run. */
  manualUndo?(token: JsonValue): string;
}

/** A kind with its spec type erased, as the registry holds it. */
export type AnyStepKind = StepKind<Record<string, unknown>>;

/** Declares a kind with a typed spec and hands it to the registry with the type erased. */
export function defineStepKind<Spec extends object>(kind: StepKind<Spec>): AnyStepKind {
  return kind as unknown as AnyStepKind;
}

/** The type of one field of an undo token: `?` allows null. */
export type TokenField = 'string' | 'string?' | 'number' | 'boolean';

/**
 * Reads a journaled undo token back, checking each field's type. A token of another shape is a
 * bug in the kind (the engine journals what the kind returned), so it throws.
 */
export function readUndoToken<T>(kind: string, token: JsonValue, fields: { readonly [K in keyof T]-?: TokenField }): T {
  const t = token as Record<string, unknown> | null;
  const ok =
    typeof t === 'object' &&
    t !== null &&
    !Array.isArray(t) &&
    Object.entries<TokenField>(fields).every(([name, type]) =>
      type === 'string?' ? t[name] === null || typeof t[name] === 'string' : typeof t[name] === type,
    );
  if (!ok) throw new Error(`${kind} undo token has an unexpected shape: ${JSON.stringify(token)}`);
  return t as T;
}

/** The step kinds a run, a validation or a review knows, by name: made by the caller (with its plug-ins) and passed in. */
export interface StepKindRegistry {
  /** The kind registered under a name, if any. */
  get(name: string): AnyStepKind | undefined;
  /** All kinds, built-in first. */
  all(): readonly AnyStepKind[];
  /** Adds a kind; a malformed one is refused with a message saying what is wrong. */
  register(kind: AnyStepKind): void;
}
