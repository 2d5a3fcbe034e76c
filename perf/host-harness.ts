// Drives one real session runner (machine + PenLink) against the bench pen in virtual time.
import { VirtualClock } from '../src/clock/clock.js';
import { HOME_MAX_DEPTH_UM } from '../src/limits/index.js';
import type { ControllerInput } from '../src/machine/index.js';
import { parsePlan } from '../src/policy/index.js';
import { SessionRunner, type ControllerSnapshot } from '../src/wiring/session-runner.js';
import { MemoryRecords } from '../test/support/memory-records.js';
import { BenchPen, benchTelemetry } from './bench-pen.js';
import { openBenchPort, type BenchPort, type BenchPortKind } from './bench-port.js';

/** Depth of the bench plan's single area, um (the home cap). */
export const BENCH_DEPTH_UM = HOME_MAX_DEPTH_UM;

/** A home session on one area, the simplest plan that reaches the treating state. */
export function benchInput(): ControllerInput {
  const parsed = parsePlan({ mode: 'home', areas: [{ area: 'forehead', depthMm: BENCH_DEPTH_UM / 1000, passes: 6 }] });
  if (!parsed.ok) throw new Error(`bench plan refused: ${JSON.stringify(parsed.errors)}`);
  return { plan: parsed.plan, mode: 'home', areaOrder: 'operator', clientId: 'bench-client', isPatchTest: false };
}

type StateValue = Parameters<ControllerSnapshot['matches']>[0];

const turnEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Promise continuations a direct port needs after a read: link -> machine -> command promise -> machine -> records. */
const MICROTASK_TURNS = 8;

/**
 * One host session over a bench port. `tick()` advances 1 virtual ms: host timers fire, the pen's
 * queued frames (and an optional extra frame) reach the host as one read, then the host settles.
 */
export class HostHarness {
  readonly clock = new VirtualClock();
  readonly pen = new BenchPen();
  readonly session: SessionRunner;
  private nowMs = 0;

  private constructor(
    readonly bench: BenchPort,
    input: ControllerInput,
  ) {
    this.session = new SessionRunner(input, {
      clock: this.clock,
      openPort: () => Promise.resolve(bench.port),
      records: new MemoryRecords({ keepBatches: false }),
    });
  }

  /** Opens the port and builds the session (not started). */
  static async open(kind: BenchPortKind, input: ControllerInput = benchInput()): Promise<HostHarness> {
    let harness: HostHarness | null = null;
    const bench = await openBenchPort(kind, (bytes) => harness?.pen.receive(bytes));
    harness = new HostHarness(bench, input);
    return harness;
  }

  /** Virtual time, ms (host clock and pen time alike). */
  get virtualMs(): number {
    return this.nowMs;
  }

  /** True when the machine's state matches `state` (an XState state value). */
  isIn(state: StateValue): boolean {
    return this.session.snapshot.matches(state);
  }

  /** Advances 1 ms and delivers the pen's queued frames, then `extra`, as one read. */
  async tick(extra: Uint8Array | null = null): Promise<void> {
    this.nowMs++;
    this.clock.advanceTo(this.nowMs);
    const queued = this.pen.takeOutbox();
    const chunk = queued === null ? extra : extra === null ? queued : Buffer.concat([queued, extra]);
    if (chunk !== null) this.bench.deliverToHost(chunk);
    await this.settle();
  }

  /**
   * Lets the host finish what the last read started: a few microtask turns for a direct port
   * (everything there is synchronous or a promise continuation), one event-loop turn for a stream
   * port (binding reads and writes complete on process.nextTick).
   */
  async settle(): Promise<void> {
    if (this.bench.kind === 'stream') return turnEventLoop();
    for (let i = 0; i < MICROTASK_TURNS; i++) await Promise.resolve();
  }

  /** Ticks until `predicate()` holds; throws Error after `maxMs` virtual ms. */
  async tickUntil(predicate: () => boolean, maxMs: number, what: string): Promise<void> {
    for (let i = 0; i < maxMs; i++) {
      if (predicate()) return;
      await this.tick();
    }
    if (!predicate()) throw new Error(`bench session did not reach ${what} within ${maxMs} ms`);
  }

  /** Connects, starts the session and arms the drive on the plan's area (needles off the skin). */
  async startArmed(): Promise<void> {
    this.session.start();
    await this.settle();
    await this.tickUntil(() => this.isIn({ connected: 'session' }), 200, 'connected.session');
    this.session.operator({ type: 'SELECT_AREA', area: 'forehead' });
    await this.tickUntil(() => this.isIn({ connected: { session: 'armed' } }), 200, 'armed');
  }

  /** As startArmed, then contact: a pass in progress (needles in skin). */
  async startTreating(): Promise<void> {
    await this.startArmed();
    this.pen.send('EVENT_CONTACT', { deviceTickMs: this.nowMs, contact: 1, strokeCount: Math.floor(this.nowMs / 10) });
    await this.tickUntil(() => this.isIn({ connected: { session: 'treating' } }), 50, 'treating');
  }

  /** One ms of 1 kHz telemetry in contact at the bench depth (with whatever the pen has queued). */
  telemetryTick(): Promise<void> {
    return this.tick(this.pen.frame('TELEMETRY', benchTelemetry(this.nowMs + 1, BENCH_DEPTH_UM, true)));
  }

  /** Stops the session and closes the port. */
  async close(): Promise<void> {
    await this.session.shutdown();
    await this.bench.release();
  }
}
