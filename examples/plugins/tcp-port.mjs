// A complete runbook plug-in: the step kind `tcp-port` waits until a TCP port accepts
// connections (or, with `open: false`, until nothing listens there any more).
//
// Load it from a plan with `plugins: [./tcp-port.mjs]` (a path relative to the plan) or from the
// command line with `runbook exec plan.yaml --plugin examples/plugins/tcp-port.mjs`. The contract
// every kind keeps (runbook checks it when it loads the module, and exits 2 when it is broken):
//
//   kind        the YAML `kind:` value, kebab-case; must not clash with a built-in kind
//   summary     one sentence, shown by `runbook schema` and `runbook explain`
//   schema      { properties, required }: JSON Schema of the kind's own fields. runbook adds the
//               common ones (id, title, when, timeout, retries, rollback...). A number, integer
//               or boolean field also takes a template ("{{vars.port}}"): runbook converts the
//               rendered text and checks it against this schema before `run` is called
//   outputs()   names later steps may read as {{steps.ID.outputs.NAME}} ('*' for any)
//   describe()  pure: what the step would do, as [{label, text}] lines for `runbook plan`
//   run()       does the work with ctx (ctx.signal is aborted on Ctrl-C or the step's timeout);
//               returns {ok: true, outputs} or {ok: false, message, hint}: expected failures are
//               values, never exceptions
//   undo()      optional: a built-in inverse, given the JSON `undo` token `run` returned
//
// The module's default export is one kind or a list of kinds.
import { connect } from 'node:net';

/** True when something accepts a connection on host:port now. */
function accepts(host, port, signal) {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok) => {
      socket.destroy();
      signal.removeEventListener('abort', abort);
      resolve(ok);
    };
    const abort = () => done(false);
    signal.addEventListener('abort', abort, { once: true });
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

const sleep = (ms, signal) =>
  new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        resolve();
      },
      { once: true },
    );
  });

export default {
  kind: 'tcp-port',
  summary: 'Waits until a TCP port accepts connections (or, with open: false, until it no longer does).',
  schema: {
    properties: {
      host: { type: 'string', minLength: 1, description: 'Host to connect to; default 127.0.0.1.' },
      port: { type: 'integer', minimum: 1, maximum: 65535, description: 'The TCP port.' },
      open: { type: 'boolean', description: 'true (default): wait until the port accepts connections; false: until it refuses them.' },
      wait_seconds: { type: 'number', minimum: 0, description: 'How long to keep trying; default 10.' },
    },
    required: ['port'],
  },
  outputs: () => ['attempts'],
  describe(spec, ctx) {
    const host = spec.host ?? '127.0.0.1';
    const want = spec.open === false ? 'refuses connections' : 'accepts connections';
    return [{ label: 'wait', text: ctx.mask(`until ${host}:${spec.port} ${want}, for up to ${spec.wait_seconds ?? 10}s`) }];
  },
  async run(spec, ctx) {
    const host = spec.host ?? '127.0.0.1';
    const want = spec.open !== false;
    const deadline = Date.now() + (spec.wait_seconds ?? 10) * 1000;
    for (let attempts = 1; ; attempts++) {
      if ((await accepts(host, spec.port, ctx.signal)) === want) return { ok: true, outputs: { attempts } };
      if (ctx.signal.aborted || Date.now() >= deadline) {
        return {
          ok: false,
          message: `${host}:${spec.port} still ${want ? 'refuses' : 'accepts'} connections after ${attempts} attempt(s)`,
          hint: want ? 'is the service started, and on this port?' : 'is the service still running?',
        };
      }
      ctx.output(`attempt ${attempts}: not yet`);
      await sleep(200, ctx.signal);
    }
  },
};
