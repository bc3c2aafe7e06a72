import { describe, expect, it } from 'vitest';
import { demoUsage, parseDemoOptions } from '../../../src/demo/demo-options.js';

describe('parseDemoOptions', () => {
  it("takes --fail-at, --pg-port and --app-port, after npm's separator or not", () => {
    expect(parseDemoOptions(['--', '--pg-port', '55432', '--app-port=58080', '--fail-at', 'smoke'])).toEqual({
      ok: true,
      options: { failAt: 'smoke', pgPort: 55432, appPort: 58080 },
    });
    expect(parseDemoOptions([])).toEqual({ ok: true, options: {} });
  });

  it.each([
    [['--pg-port', 'high'], 'demo: --pg-port needs a port number from 1 to 65535, got "high"\n'],
    [['--app-port', '70000'], 'demo: --app-port needs a port number from 1 to 65535, got "70000"\n'],
    [['--app-port', '0'], 'demo: --app-port needs a port number from 1 to 65535, got "0"\n'],
    [['--pg-port'], 'demo: --pg-port needs a port number from 1 to 65535\n'],
    [['--pg-port', '5000', '--app-port', '5000'], 'demo: --pg-port and --app-port are both 5000; they need two different ports\n'],
    [['--port', '1'], 'demo: unknown option "--port"\n'],
  ])('refuses %j with exit 2 and the usage', (argv, first) => {
    expect(parseDemoOptions(argv)).toEqual({ ok: false, code: 2, stdout: '', stderr: `${first}${demoUsage}` });
  });

  it('prints the usage for --help', () => {
    expect(parseDemoOptions(['--help'])).toEqual({ ok: false, code: 0, stdout: demoUsage, stderr: '' });
  });
});
