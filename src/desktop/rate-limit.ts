// A token bucket per page connection: a burst of requests is refused with errors instead of acted on.

/** Requests a connection may make at once, and per second after that. */
export const REQUEST_BURST = 20;
export const REQUESTS_PER_SECOND = 10;

/** Token bucket on an injected clock (ms). */
export class RateLimit {
  private tokens: number;
  private lastMs: number;

  constructor(
    private readonly nowMs: () => number,
    private readonly burst: number = REQUEST_BURST,
    private readonly perSecond: number = REQUESTS_PER_SECOND,
  ) {
    this.tokens = burst;
    this.lastMs = nowMs();
  }

  /** Takes one token; false when none is left (the request must be refused). */
  take(): boolean {
    const now = this.nowMs();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.lastMs) * this.perSecond) / 1000);
    this.lastMs = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
