import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { logLines } from '../../../../src/steps/shell/line-log.js';

async function linesOf(chunks: readonly string[]): Promise<{ lines: string[]; file: string }> {
  const lines: string[] = [];
  const file = join(mkdtempSync(join(tmpdir(), 'runbook-lines-')), 'out.log');
  await logLines(Readable.from(chunks.map((c) => Buffer.from(c))), {
    file: () => file,
    mask: (t) => t,
    onLine: (l) => lines.push(l),
    captureBytes: 0,
    keepLast: 0,
  });
  return { lines, file };
}

describe('output lines', () => {
  it('cuts a long line into 64K pieces whether it arrives in one chunk or in several', async () => {
    const long = `${'x'.repeat(70_000)}\nend`;
    const whole = await linesOf([long]);
    expect(whole.lines.map((l) => l.length)).toEqual([65_536, 70_000 - 65_536, 3]);
    const split = await linesOf([long.slice(0, 66_000), long.slice(66_000)]);
    expect(split.lines.map((l) => l.length)).toEqual([65_536, 70_000 - 65_536, 3]);
    expect(readFileSync(whole.file, 'utf8')).toBe(`${'x'.repeat(65_536)}\n${'x'.repeat(70_000 - 65_536)}\nend\n`);
  });

  it('drops the carriage return of CRLF lines, also at the end of a long line', async () => {
    const { lines } = await linesOf([`a\r\n${'y'.repeat(65_540)}\r\nb`]);
    expect(lines.map((l) => l.length)).toEqual([1, 65_536, 4, 1]);
    expect(lines[2]).toBe('yyyy');
  });
});
