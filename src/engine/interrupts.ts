/** The signals that stop a run the way Ctrl-C does (an ssh session that drops sends SIGHUP). */
export type StopSignal = 'SIGINT' | 'SIGTERM' | 'SIGHUP';

/** The signals runbook handles, in the order the binary wires them. */
export const stopSignals: readonly StopSignal[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** The number of each signal, for the shell's "128 + signal" exit code convention. */
export const signalNumbers: Readonly<Record<StopSignal, number>> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };

/**
 * What can stop a running plan from outside the step loop: an operator's signal, or a fault
 * (an error nobody else caught, a journal that cannot be written) that makes going on unsafe.
 */
export type Stop = { readonly type: 'signal'; readonly signal: StopSignal } | { readonly type: 'fault'; readonly message: string };

/**
 * Signals and faults as the engine sees them: the first signal stops the running step and lets
 * rollback run, a second one stops the rollback too; a fault fails the running step and rolls back.
 * The binary wires SIGINT, SIGTERM, SIGHUP and uncaught errors here; tests call it directly.
 */
export class Interrupts {
  private presses = 0;
  private readonly listeners = new Set<(stop: Stop) => void>();
  private everListened = false;

  get count(): number {
    return this.presses;
  }

  /** Whether a run listens now. */
  get listening(): boolean {
    return this.listeners.size > 0;
  }

  /** Whether a run ever listened: the process changed things and its exit code is the run's. */
  get listened(): boolean {
    return this.everListened;
  }

  /** Delivers a signal (Ctrl-C by default); false when no run is listening, so the caller exits as the signal would. */
  press(signal: StopSignal = 'SIGINT'): boolean {
    this.presses++;
    return this.deliver({ type: 'signal', signal });
  }

  /** Reports a fault; false when no run is listening to handle it. */
  fault(message: string): boolean {
    return this.deliver({ type: 'fault', message });
  }

  private deliver(stop: Stop): boolean {
    const listeners = [...this.listeners];
    for (const l of listeners) l(stop);
    return listeners.length > 0;
  }

  /** Calls `listener` on every signal and fault until the returned function is called. */
  subscribe(listener: (stop: Stop) => void): () => void {
    this.listeners.add(listener);
    this.everListened = true;
    return () => this.listeners.delete(listener);
  }
}
