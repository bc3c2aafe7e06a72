/**
 * Runs jobs on at most `size` workers. A job becomes ready when `ready(job)` says so (a table
 * whose parents are loaded); the first failure stops handing out new jobs and is rethrown.
 */
export async function runPool<T>(
  jobs: readonly T[],
  size: number,
  work: (job: T, worker: number) => Promise<void>,
  ready: (job: T, done: ReadonlySet<T>) => boolean = () => true,
): Promise<void> {
  const waiting = [...jobs];
  const done = new Set<T>();
  let failure: unknown;
  let running = 0;
  let wake: () => void = () => {};
  const worker = async (id: number): Promise<void> => {
    while (failure === undefined) {
      let at = waiting.findIndex((j) => ready(j, done));
      // Nothing running can make a job ready (a cycle): take the next one anyway.
      if (at < 0 && running === 0 && waiting.length > 0) at = 0;
      if (at < 0) {
        if (waiting.length === 0) return;
        // Everything left waits on a running job: sleep until one finishes.
        await new Promise<void>((r) => {
          const prev = wake;
          wake = () => {
            prev();
            r();
          };
        });
        continue;
      }
      const [job] = waiting.splice(at, 1) as [T];
      running++;
      try {
        await work(job, id);
        done.add(job);
      } catch (e) {
        failure ??= e;
      }
      running--;
      const w = wake;
      wake = () => {};
      w();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(size, jobs.length)) }, (_, i) => worker(i)));
  if (failure !== undefined) throw failure;
}
