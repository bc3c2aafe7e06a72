import { readFileSync, rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { reportCrash } from '../../../src/cli/crash-report.js';

describe('reportCrash', () => {
  it('keeps --var values and URL passwords out of the paragraph and the log', () => {
    let said = '';
    const error = new Error('cannot reach postgresql://app:s3cret-pw@127.0.0.1:5432/app');
    const report = reportCrash(error, ['exec', 'plan.yaml', '--var', 'token=t0ken-value', '--var=key=k3y-value'], {
      write: (s: string) => (said += s),
    });
    const log = readFileSync(report.logFile!, 'utf8');
    rmSync(report.logFile!);
    for (const text of [said, log]) {
      expect(text).toContain('postgresql://app:***@127.0.0.1:5432/app');
      expect(text).not.toMatch(/s3cret-pw|t0ken-value|k3y-value/);
    }
    expect(log).toContain('runbook exec plan.yaml --var token=*** --var=key=***');
    expect(said).toBe(report.text);
    expect(said).not.toMatch(/\n\s+at /);
  });

  it('prints the trace too with --debug', () => {
    let said = '';
    const report = reportCrash(new Error('boom'), ['plan', 'x.yaml', '--debug'], { write: (s: string) => (said += s) });
    rmSync(report.logFile!);
    expect(said).toMatch(/^runbook: internal error in `runbook plan`: boom\n/);
    expect(said).toMatch(/\n\s+at /);
  });
});
