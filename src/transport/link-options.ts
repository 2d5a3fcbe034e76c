// Link timing and window options: defaults and validation.
import { DEAD_LINK_TIMEOUT_MS, HEARTBEAT_PERIOD_MS, LEASE_MS } from '../limits/index.js';

export interface LinkOptions {
  /** Commands in flight at most (unanswered seqs on the wire). The pen remembers 8 answers. */
  readonly windowSize: number;
  /** Resend unanswered commands this long after their last transmission, ms. */
  readonly retransmitTimeoutMs: number;
  /** Transmissions of one command before the link is declared dead. */
  readonly maxAttempts: number;
  /** Resend HELLO this long after the last one when no INFO came, ms. */
  readonly helloTimeoutMs: number;
  /** HELLOs sent before the handshake fails and the link is dead. */
  readonly helloMaxAttempts: number;
  /** While heartbeating: a heartbeat unanswered, or no frame from the pen, this long means dead, ms. */
  readonly deadLinkTimeoutMs: number;
}

/** Largest window: the pen answers duplicates of its last 8 answered commands only. */
export const MAX_WINDOW_SIZE = 8;

export const DEFAULT_HEARTBEAT_PERIOD_MS = HEARTBEAT_PERIOD_MS;

/**
 * Defaults. NOTE: deadLinkTimeoutMs (150) is below the pen's default lease (LEASE_MS,
 * 200), so the host gives up on the link before the pen stops by itself, and a heartbeat every
 * 50 ms leaves three chances per lease.
 */
export const DEFAULT_LINK_OPTIONS: LinkOptions = {
  windowSize: 4,
  retransmitTimeoutMs: 40,
  maxAttempts: 5,
  helloTimeoutMs: 100,
  helloMaxAttempts: 5,
  deadLinkTimeoutMs: Math.min(DEAD_LINK_TIMEOUT_MS, LEASE_MS),
};

/** Largest accepted value of each option: nothing unbounded (S4). */
const OPTION_MAX: LinkOptions = {
  windowSize: MAX_WINDOW_SIZE, // above it go-back-N would resend seqs the pen no longer remembers
  retransmitTimeoutMs: 10_000,
  maxAttempts: 100,
  helloTimeoutMs: 10_000,
  helloMaxAttempts: 100,
  deadLinkTimeoutMs: 10_000,
};

/**
 * Defaults overlaid with `partial`. Throws RangeError naming the option for a value that is not
 * an integer in [1, its maximum] (NaN, Infinity, negative, fractional, non-number, too large).
 */
export function resolveLinkOptions(partial: Partial<LinkOptions> = {}): LinkOptions {
  const options: LinkOptions = { ...DEFAULT_LINK_OPTIONS, ...partial };
  for (const name of Object.keys(OPTION_MAX) as (keyof LinkOptions)[]) {
    const value: unknown = options[name];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > OPTION_MAX[name]) {
      throw new RangeError(`link option ${name}: ${String(value)} not an integer in [1, ${OPTION_MAX[name]}]`);
    }
  }
  return options;
}
