import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { Composer, isAlias, isMap, LineCounter, Parser, visit } from 'yaml';
import { aliasBomb, checkShape, oversize, planLimits, type LimitFinding } from './limits.js';
import { codes, type Diagnostic, type RuleName } from '../diagnostics/index.js';
import { readPipe } from './read-pipe.js';
import { PlanSource } from './source.js';

/** The outcome of reading a plan file: the parsed source (when YAML allowed it) and what went wrong. */
export interface LoadResult {
  readonly source?: PlanSource;
  readonly data?: Record<string, unknown>;
  readonly diagnostics: Diagnostic[];
}

const yamlRules: Record<string, { rule: RuleName; hint: string }> = {
  DUPLICATE_KEY: { rule: 'duplicate-key', hint: 'each key may appear once in a mapping; remove or rename one of them' },
  TAB_AS_INDENT: { rule: 'tab-indent', hint: 'YAML indents with spaces only; replace the tab with spaces' },
};

function diag(file: string, rule: RuleName, message: string, line: number, col: number, hint?: string): Diagnostic {
  return { code: codes[rule], rule, severity: 'error', message, file, line, col, ...(hint && { hint }) };
}

/** Reads and parses a plan file, keeping source positions. Never throws for bad input. */
export function loadPlanFile(file: string, text?: string): LoadResult {
  let src: string;
  let bytes: number | undefined;
  try {
    const stat = text === undefined ? statSync(file) : undefined;
    if (stat?.isFIFO()) {
      // One byte past the limit is enough to say the plan is too big; a pipe has no size to ask.
      const piped = readPipe(file, planLimits.bytes + 1);
      bytes = piped.length;
      src = piped.subarray(0, planLimits.bytes).toString('utf8');
    } else {
      bytes = stat?.size;
      src = text ?? (bytes !== undefined && bytes > planLimits.bytes ? readStart(file) : readFileSync(file, 'utf8'));
    }
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
    const hint = reason.includes('named pipe')
      ? 'start the program that writes the plan into the pipe first, or give a file'
      : 'check the path; plans usually live in plans/';
    return { diagnostics: [diag(file, 'file-unreadable', `cannot read plan: ${reason}`, 0, 0, hint)] };
  }
  return parsePlanText(file, src, bytes);
}

/** The first bytes of a file that is over the size limit: enough to say where it goes over. */
function readStart(file: string): string {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(planLimits.bytes);
    return buf.subarray(0, readSync(fd, buf, 0, buf.length, 0)).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** Parses plan text that is already in memory (e.g. read from git); `bytes` is the file's size when `src` is only its start. */
export function parsePlanText(file: string, src: string, bytes?: number): LoadResult {
  const lines = new LineCounter();
  const pos = (offset: number) => lines.linePos(offset);
  const limit = (f: LimitFinding): LoadResult => {
    const p = pos(f.offset);
    return { diagnostics: [diag(file, f.rule, f.message, p.line, p.col, f.hint)] };
  };
  const big = oversize(src, bytes);
  if (big) {
    lines.addNewLine(0);
    for (let i = src.indexOf('\n'); i >= 0 && i < big.offset; i = src.indexOf('\n', i + 1)) lines.addNewLine(i + 1);
    return limit(big);
  }
  // The syntax tree first: its shape is checked before values are built, which recurses as deep as the file nests.
  const tree = [...new Parser(lines.addNewLine).parse(src)];
  for (const t of tree) {
    const shape = t.type === 'document' ? checkShape(t) : undefined;
    if (shape) return limit(shape);
  }
  const all = [...new Composer({ uniqueKeys: true, prettyErrors: false }).compose(tree)];
  const diagnostics: Diagnostic[] = [];
  if (all.length === 0) {
    return {
      diagnostics: [diag(file, 'not-a-plan', 'the file is empty', 0, 0, 'a plan starts with `version: 1`, a `name` and a list of `steps`')],
    };
  }
  if (all.length > 1) {
    const second = all[1]!;
    const p = pos(second.range[0]);
    diagnostics.push(
      diag(
        file,
        'multi-document',
        'a plan file holds one YAML document, but this file has more (a second `---` starts one here)',
        p.line,
        p.col,
        'put each plan in its own file, or remove the extra `---`',
      ),
    );
  }
  const doc = all[0]!;
  // One syntax error usually causes several more after it; the first is the one to fix.
  let syntaxReported = false;
  const tabLines = new Set<number>();
  for (const e of doc.errors) {
    const known = yamlRules[e.code];
    const p = pos(e.pos[0]);
    if (!known && (syntaxReported || tabLines.has(p.line))) continue;
    if (e.code === 'TAB_AS_INDENT') tabLines.add(p.line);
    if (!known) syntaxReported = true;
    let message = e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    if (e.code === 'DUPLICATE_KEY') message = `key "${/^[^:\s]+/.exec(src.slice(e.pos[0]))?.[0] ?? ''}" appears twice in the same mapping`;
    diagnostics.push(
      diag(
        file,
        known?.rule ?? 'yaml-syntax',
        known ? message : `YAML syntax: ${message}`,
        p.line,
        p.col,
        known?.hint ?? 'fix the YAML syntax here; indentation and unclosed brackets or quotes are the usual causes',
      ),
    );
  }
  const source = new PlanSource(file, src, doc, lines);
  visit(doc, {
    Alias(_, node) {
      if (isAlias(node) && node.resolve(doc) === undefined) {
        const p = pos(node.range?.[0] ?? 0);
        diagnostics.push(
          diag(
            file,
            'unknown-alias',
            `alias "*${node.source}" refers to no anchor defined before it`,
            p.line,
            p.col,
            `define "&${node.source}" earlier in the file, or fix the name`,
          ),
        );
      }
    },
  });
  if (diagnostics.length > 0) return { source, diagnostics };
  if (!isMap(doc.contents)) {
    const p = pos(doc.contents?.range?.[0] ?? 0);
    return {
      source,
      diagnostics: [
        diag(
          file,
          'not-a-plan',
          'a plan is a YAML mapping with `version`, `name` and `steps`',
          p.line,
          p.col,
          'start the file with `version: 1`',
        ),
      ],
    };
  }
  const bomb = aliasBomb(doc);
  if (bomb) return { source, diagnostics: [limit(bomb).diagnostics[0]!] };
  // Expansion is bounded by aliasBomb above, by a measure that knows where it goes over.
  const data = doc.toJS({ maxAliasCount: -1 }) as Record<string, unknown>;
  return { source, data, diagnostics };
}
