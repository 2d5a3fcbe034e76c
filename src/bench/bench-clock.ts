// The bench's time: virtual (the simulated pen's PenSimulation) or real (a physical bench), behind one interface.
import type { PenSimulation } from '../../sim/index.js';

/** How the executor lets time pass. Every wait checks its predicate at least once per ms of bench time. */
export interface BenchClock {
  readonly kind: 'virtual' | 'real';
  /** Bench time, ms (virtual: simulation time; real: since the clock was made). */
  nowMs(): number;
  /** Resolves true as soon as `predicate()` holds (checked before waiting), false after `timeoutMs`. */
  waitFor(predicate: () => boolean, timeoutMs: number): Promise<boolean>;
}

/** Virtual time: only the simulation advances it, 1 ms per step. */
export function simulationClock(simulation: PenSimulation): BenchClock {
  return {
    kind: 'virtual',
    nowMs: () => simulation.nowMs,
    waitFor: (predicate, timeoutMs) => simulation.runUntil(predicate, Math.max(0, Math.ceil(timeoutMs))),
  };
}

/** Real time for a physical bench (or an emulated board on a pty), polled every `pollMs`. */
export function realClock(pollMs = 1): BenchClock {
  const startMs = performance.now();
  const nowMs = (): number => performance.now() - startMs;
  return {
    kind: 'real',
    nowMs,
    async waitFor(predicate, timeoutMs) {
      const deadlineMs = nowMs() + timeoutMs;
      for (;;) {
        if (predicate()) return true;
        if (nowMs() >= deadlineMs) return false;
        await new Promise((resolve) => setTimeout(resolve, pollMs));
      }
    },
  };
}
