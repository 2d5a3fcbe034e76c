// How fast virtual time runs for a simulated session watched by a person: real time, ten times it, or as fast as the CPU goes.
import type { SimSpeed } from './speeds.js';

export { SIM_SPEEDS, type SimSpeed } from './speeds.js';

/** Virtual ms stepped at most per turn of the event loop at `max` (the page's timers get a turn between). */
const MAX_CHUNK_MS = 20;
/** Real-time pacing period, ms. */
const PERIOD_MS = 2;

const FACTORS: Record<Exclude<SimSpeed, 'max'>, number> = { '1x': 1, '10x': 10 };

/** Real time as the pace reads it (tests give their own). */
export interface RealTime {
  nowMs(): number;
  /** Resolves after about `ms` of real time (0: the next turn of the event loop, after pending I/O). */
  sleep(ms: number): Promise<void>;
}

const REAL_TIME: RealTime = {
  nowMs: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => (ms === 0 ? setImmediate(resolve) : setTimeout(resolve, ms))),
};

/**
 * Hands out virtual ms to step as real time passes. The speed may change at any time; virtual
 * time never jumps (a change re-bases the pace at the current virtual time). Never blocks:
 * `next` resolves after at most PERIOD_MS of real time.
 */
export class SimulationPace {
  private speedValue: SimSpeed;
  private baseRealMs: number;
  private baseVirtualMs = 0;
  private virtualMs = 0;

  constructor(
    speed: SimSpeed,
    private readonly real: RealTime = REAL_TIME,
  ) {
    this.speedValue = speed;
    this.baseRealMs = real.nowMs();
  }

  get speed(): SimSpeed {
    return this.speedValue;
  }

  set speed(speed: SimSpeed) {
    this.speedValue = speed;
    this.baseRealMs = this.real.nowMs();
    this.baseVirtualMs = this.virtualMs;
  }

  /** Resolves with the virtual ms to step now (at least 1); the caller reports what it stepped with `stepped`. */
  async next(): Promise<number> {
    for (;;) {
      const speed = this.speedValue;
      if (speed === 'max') {
        await this.real.sleep(0);
        return MAX_CHUNK_MS;
      }
      const dueMs = this.baseVirtualMs + Math.floor((this.real.nowMs() - this.baseRealMs) * FACTORS[speed]);
      // NOTE: a machine that cannot keep up drops the backlog (over 1 s of real time) instead of racing to catch up.
      if (dueMs - this.virtualMs > 1000 * FACTORS[speed]) this.speed = speed;
      else if (dueMs > this.virtualMs) return Math.min(dueMs - this.virtualMs, 10 * FACTORS[speed] * PERIOD_MS);
      await this.real.sleep(PERIOD_MS);
    }
  }

  /** Virtual ms stepped since the pace started. */
  get steppedMs(): number {
    return this.virtualMs;
  }

  stepped(ms: number): void {
    this.virtualMs += ms;
  }
}
