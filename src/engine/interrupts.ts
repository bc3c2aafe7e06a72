/**
 * Ctrl-C as the engine sees it: the first press stops the running step and lets rollback run,
 * the second stops the rollback too. The CLI wires SIGINT to `press`; tests call it directly.
 */
export class Interrupts {
  private presses = 0;
  private readonly listeners = new Set<(count: number) => void>();

  get count(): number {
    return this.presses;
  }

  press(): void {
    this.presses++;
    for (const l of [...this.listeners]) l(this.presses);
  }

  /** Calls `listener` on every press until the returned function is called. */
  subscribe(listener: (count: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
