// How fast virtual time runs for a simulated session watched by a person: real time, ten times it, or as fast as the CPU goes.
import type { SimSpeed } from './speeds.js';

export { SIM_SPEEDS, type SimSpeed } from './speeds.js';

/** Virtual ms stepped at most per turn of the event loop at `max` (the page's timers get a turn between). */
const MAX_CHUNK_MS = 20;
/** Real-time pacing period, ms. */
const PERIOD_MS = 2;

const FACTORS: Record<Exclude<SimSpeed, 'max'>, number> = { '1x': 1, '10x': 10 };

/**
 * Hands out virtual ms to step as real time passes. The speed may change at any time; virtual
 * time never jumps (a change re-bases the pace at the current virtual time). Never blocks:
 * `next` resolves after at most PERIOD_MS of real time.
 */
export class SimulationPace {
  private speedValue: SimSpeed;
  private baseRealMs = performance.now();
  private baseVirtualMs = 0;
  private virtualMs = 0;

  constructor(speed: SimSpeed) {
    this.speedValue = speed;
  }

  get speed(): SimSpeed {
    return this.speedValue;
  }

  set speed(speed: SimSpeed) {
    this.speedValue = speed;
    this.baseRealMs = performance.now();
    this.baseVirtualMs = this.virtualMs;
  }

  /** Resolves with the virtual ms to step now (at least 1); the caller reports what it stepped with `stepped`. */
  async next(): Promise<number> {
    for (;;) {
      const speed = this.speedValue;
      if (speed === 'max') {
        await new Promise((resolve) => setImmediate(resolve));
        return MAX_CHUNK_MS;
      }
      const dueMs = this.baseVirtualMs + Math.floor((performance.now() - this.baseRealMs) * FACTORS[speed]);
      // NOTE: a machine that cannot keep up drops the backlog (over 1 s of real time) instead of racing to catch up.
      if (dueMs - this.virtualMs > 1000 * FACTORS[speed]) this.speed = speed;
      else if (dueMs > this.virtualMs) return Math.min(dueMs - this.virtualMs, 10 * FACTORS[speed] * PERIOD_MS);
      await new Promise((resolve) => setTimeout(resolve, PERIOD_MS));
    }
  }

  stepped(ms: number): void {
    this.virtualMs += ms;
  }
}
