import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listComments } from '../../../src/review/comments.js';
import { formatPlanText } from '../../../src/review/fmt.js';
import { createStepKindRegistry } from '../../../src/steps/index.js';

const kinds = createStepKindRegistry();

const dirs = ['plans', 'plans/examples', 'test/fixtures/plans/ok', 'test/fixtures/review/diff', 'test/fixtures/review/fmt'];
const plans = dirs.flatMap((d) =>
  readdirSync(d)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => join(d, f)),
);

function format(text: string): string {
  const r = formatPlanText(text, kinds);
  if ('problem' in r) throw new Error(r.problem);
  return r.text;
}

describe('formatPlanText', () => {
  it('writes keys in canonical order, quotes only where needed, and keeps every comment where it belongs', () => {
    const text = readFileSync('test/fixtures/review/fmt/messy.yaml', 'utf8');
    expect(format(text)).toBe(readFileSync('test/fixtures/review/fmt/messy.formatted.yaml', 'utf8'));
    expect(listComments(format(text))).toEqual([
      'yaml-language-server: $schema=../../../../schemas/plan.schema.json',
      'header two',
      'the name',
      'first step',
      'says hi',
    ]);
  });

  it.each(plans)('keeps every comment of %s and is idempotent', (file) => {
    const text = readFileSync(file, 'utf8');
    const once = format(text);
    expect(listComments(once).sort()).toEqual(listComments(text).sort());
    expect(format(once)).toBe(once);
  });

  it('keeps block scalars and wrapped text line for line, only re-indented', () => {
    const text = readFileSync('test/fixtures/review/fmt/wrapped.yaml', 'utf8');
    expect(format(text)).toBe(readFileSync('test/fixtures/review/fmt/wrapped.formatted.yaml', 'utf8'));
  });

  it('writes a wrapped value inside a flow collection as one line', () => {
    expect(format('version: 1\nname: x\nsteps: [ { id: a, kind: note, message: "one\n  two" } ]\n')).toBe(
      'version: 1\nname: x\nsteps: [ { id: a, kind: note, message: one two } ]\n',
    );
  });

  it('writes a wrapped key on one line, as an implicit key must be', () => {
    expect(
      format('version: 1\nname: x\nsteps:\n  - id: a\n    kind: shell\n    run: echo\n    env:\n      ? "A\n        B"\n      : v\n'),
    ).toBe('version: 1\nname: x\nsteps:\n  - id: a\n    kind: shell\n    run: echo\n    env:\n      A B: v\n');
  });

  it('refuses text that is not YAML', () => {
    expect(formatPlanText('steps: [a\n', kinds)).toEqual({
      problem: 'not valid YAML (line 2, column 1): Flow sequence in block collection must be sufficiently indented and end with a ]',
    });
  });

  it('refuses an alias whose anchor is not in the plan, instead of crashing', () => {
    // Found by fuzzing: a window of the default plan kept `*start-on-sqlite` without its anchor.
    expect(formatPlanText('version: 1\nname: x\nsteps:\n  - *start-on-sqlite\n', kinds)).toEqual({
      problem: 'not valid YAML: Unresolved alias (the anchor must be set before the alias): start-on-sqlite',
    });
  });

  it('leaves a file without a document (empty, or only comments) as it is, instead of writing null into it', () => {
    expect(formatPlanText('', kinds)).toEqual({ text: '', changed: false });
    expect(formatPlanText('# nothing yet\n', kinds)).toEqual({ text: '# nothing yet\n', changed: false });
  });

  it('keeps CRLF line ends on every line, block scalars included, and formats the result again to itself', () => {
    const text =
      'name: x\r\nversion: 1\r\nsteps:\r\n  - id: q\r\n    kind: shell\r\n    run: |-\r\n      echo 1   \r\n\r\n      echo 2\r\n';
    const out = format(text);
    expect(out).toBe(
      'version: 1\r\nname: x\r\nsteps:\r\n  - id: q\r\n    kind: shell\r\n    run: |-\r\n      echo 1   \r\n\r\n      echo 2\r\n',
    );
    expect(formatPlanText(out, kinds)).toEqual({ text: out, changed: false });
  });

  it('keeps a header comment first when the first key moves', () => {
    expect(format('# header\nname: x\nversion: 1\nsteps: []\n')).toBe('# header\n\nversion: 1\nname: x\nsteps: []\n');
  });
});
