// The bench's controller on the one session runner: connect, plan sessions with the arm as the hand, operator commands, direct pen commands between sessions.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  BenchTarget,
  ControllerCommand,
  ControllerReadings,
  DeviceUnderTest,
  DirectAnswer,
  SessionEnd,
  SessionHandle,
  SessionRequest,
} from '../bench/executor/bench-target.js';
import type { Clock } from '../clock/clock.js';
import { HEARTBEAT_PERIOD_MS, SESSION_TELEMETRY_HZ } from '../limits/index.js';
import type { ControllerEvent, OperatorEvent } from '../machine/index.js';
import { demoClient } from '../policy/index.js';
import { Fault, MESSAGES, PenState, Reason, Sku, codeName, type CommandName, type Payload } from '../protocol/index.js';
import { DATA_DIR_ENV, openStore, type Store } from '../store/index.js';
import { PenLink } from '../transport/index.js';
import { BenchCredentialIssuer } from './bench-credentials.js';
import { SessionRunner, type ClosablePort } from './session-runner.js';
import { loadSessionTrust, type SessionTrust } from './session-trust.js';
import { StoreSessionRecords } from './store-records.js';

/** Client ids of the bench's sessions start with this (a fresh client per session, in the run's own database). */
export const BENCH_CLIENT_PREFIX = 'bench-client';

export interface RunnerBenchTargetOptions {
  readonly target: 'sim' | 'port';
  /** e.g. "simulated home pen (seed 7)" or "pen on /dev/ttyACM0". */
  readonly description: string;
  /** Host time for the link and the machine (the simulation's VirtualClock, or the system clock). */
  readonly clock: Clock;
  /** Opens the pen's port (once, at the first connect; the target closes it). */
  readonly openPort: () => Promise<ClosablePort>;
  /** Wall-clock time for the records and the admission rules, ms since epoch. */
  readonly nowMs: () => number;
  /**
   * The simulated bench: a throwaway maker key for this run issues the credentials scenarios ask
   * for, and the run's own data directory (its trust file trusts only that key) gives the default
   * trust file and revocation list. Otherwise: MNPEN_DATA_DIR's, as for `mnpen session`.
   */
  readonly issuesCredentials?: boolean;
}

const OPERATOR_EVENTS: Record<ControllerCommand, OperatorEvent> = {
  stop: { type: 'STOP' },
  estop: { type: 'ESTOP' },
  pause: { type: 'PAUSE' },
  resume: { type: 'RESUME' },
  finish: { type: 'FINISH' },
  reset: { type: 'RESET' },
};

const NO_READINGS: ControllerReadings = {
  penState: null,
  faultCode: null,
  lastStopReason: null,
  measuredDepthUm: null,
  commandedDepthUm: null,
  measuredStrokeHz: null,
};

/** The open port lent to a session runner: its close is the target's, not the runner's. */
function lent(port: ClosablePort): ClosablePort {
  return {
    get isOpen() {
      return port.isOpen;
    },
    write: (data) => port.write(data),
    on: (event, listener) => port.on(event, listener),
    removeListener: (event, listener) => port.removeListener(event, listener),
    close: (callback) => callback?.(null),
  };
}

/**
 * A BenchTarget on the session runner. Between sessions it holds the bench's own link (HELLO,
 * heartbeat, telemetry, direct commands); a session gets the port and runs on a fresh
 * SessionRunner with operator area order, the bench's hand choosing areas. Records go to a
 * database of the bench run's own (a fresh client with clear screening and a patch test per
 * session), removed at close.
 */
export class RunnerBenchTarget implements BenchTarget {
  private port: ClosablePort | null = null;
  private link: PenLink | null = null;
  private info: Payload<'INFO'> | null = null;
  private runner: SessionRunner | null = null;
  private runnerShut = false;
  private sessionCount = 0;
  private readingsValue: ControllerReadings = NO_READINGS;
  private lastSessionEnd: SessionEnd | null = null;
  private readonly storeDir = mkdtempSync(join(tmpdir(), 'mnpen-bench-records-'));
  private readonly store: Store;
  private closed = false;
  private readonly issuer: BenchCredentialIssuer | null;

  constructor(private readonly options: RunnerBenchTargetOptions) {
    this.store = openStore(join(this.storeDir, 'bench.db'), { nowMs: options.nowMs });
    this.issuer = options.issuesCredentials === true ? new BenchCredentialIssuer(join(this.storeDir, 'data')) : null;
  }

  async connect(_timeoutMs: number): Promise<DeviceUnderTest> {
    await this.endSession();
    this.port ??= await this.options.openPort();
    const info = await this.benchLink();
    return this.deviceUnderTest(info);
  }

  async startSession(request: SessionRequest): Promise<SessionHandle> {
    if (this.port === null || this.info === null)
      throw new Error('the controller is not connected (a connect step first)');
    if (this.runner !== null && !this.runner.hasEnded) throw new Error('a session is already running');
    const trust = this.sessionTrust(request, this.info);
    await this.endSession();
    this.closeBenchLink();
    const clientId = `${BENCH_CLIENT_PREFIX}-${++this.sessionCount}`;
    const client = demoClient(this.options.nowMs());
    this.store.upsertClient({ clientId, birthYear: client.birthYear, screening: client.screening });
    for (const area of request.plan.areas) this.store.recordPatchTest(clientId, client.patchTestDoneAtMs, area.area);
    const port = this.port;
    const runner = new SessionRunner(
      { plan: request.plan, mode: request.plan.mode, areaOrder: 'operator', clientId, isPatchTest: false, ...trust },
      {
        clock: this.options.clock,
        openPort: async () => lent(port),
        records: new StoreSessionRecords(this.store, this.options.nowMs),
      },
    );
    this.runner = runner;
    this.runnerShut = false;
    runner.onEvent((event) => this.observe(event));
    let end: SessionEnd | null = null;
    const ended = runner.whenEnded().then((result): SessionEnd => {
      const { summary } = result;
      end = {
        outcome: result.end.outcome,
        reasons: [...summary.refusals, ...summary.clamps, ...summary.stops, ...summary.faults].map((e) => e.reason),
        refusals: summary.refusals.map((e) => e.reason),
        unlock: summary.unlock,
        passesByArea: Object.fromEntries(summary.areas.map((a) => [a.area, a.passes])),
      };
      this.lastSessionEnd = end;
      return end;
    });
    runner.start();
    return {
      get isTreating() {
        return end === null && isDriving(runner);
      },
      get canSelectArea() {
        if (end !== null) return false;
        const snapshot = runner.snapshot;
        return (
          snapshot.matches({ connected: { session: { selectingArea: 'awaitingOperator' } } }) ||
          (snapshot.matches({ connected: { session: 'armed' } }) && !snapshot.context.penReadings.penContact)
        );
      },
      get area() {
        return runner.context.currentArea;
      },
      get end() {
        return end;
      },
      ended,
    };
  }

  selectArea(area: string): void {
    this.runner?.operator({ type: 'SELECT_AREA', area });
  }

  command(command: ControllerCommand): void {
    const runner = this.runner;
    if (runner !== null && runner.snapshot.status === 'active') {
      runner.operator(OPERATOR_EVENTS[command]);
      return;
    }
    // NOTE: no session to ask: a stop or an e-stop still goes to the pen at once on the bench's link.
    const link = this.link;
    if (link === null) return;
    if (command === 'stop') link.realtime('STOP');
    else if (command === 'estop') link.realtime('ESTOP');
    else if (command === 'reset' && link.isConnected) {
      void link.command('RESET_FAULT', {}).catch(() => {});
      void link.command('HOME', {}).catch(() => {});
    }
  }

  async sendDirect(message: string, fields: Readonly<Record<string, number>>): Promise<DirectAnswer> {
    if (this.runner !== null && !this.runner.hasEnded)
      throw new Error('a session is running: direct commands go between sessions');
    await this.endSession();
    if (this.port === null) throw new Error('the controller is not connected (a connect step first)');
    const spec = (MESSAGES as Record<string, { kind: string }>)[message];
    if (spec === undefined || spec.kind !== 'command') throw new Error(`"${message}" is not a pen command`);
    if (this.link === null || !this.link.isConnected) await this.benchLink();
    const link = this.link as PenLink;
    // NOTE: a drive the bench arms runs under the bench link's heartbeat (its lease, S10).
    const result = await link.command(message as CommandName, fields as never);
    return result.ok
      ? {
          answer: result.note === Reason.NONE ? 'ACK' : `ACK ${codeName(Reason, result.note)}`,
          appliedValue: result.appliedValue,
        }
      : { answer: `NAK ${codeName(Reason, result.reason)}`, appliedValue: null };
  }

  readings(): ControllerReadings {
    return this.readingsValue;
  }

  passes(area: string): number | null {
    const runner = this.runner;
    if (runner === null) return null;
    return runner.context.areas.find((entry) => entry.area === area)?.passes ?? 0;
  }

  lastEnd(): SessionEnd | null {
    return this.lastSessionEnd;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.runner?.operator({ type: 'STOP' });
    await this.endSession();
    this.link?.realtime('STOP');
    this.closeBenchLink();
    const port = this.port;
    this.port = null;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
    this.store.close();
    rmSync(this.storeDir, { recursive: true, force: true });
  }

  /**
   * The session's signed documents, read and verified through the controller's loader (as
   * `mnpen session --credential ...`); a bench-issued credential is signed first. Throws
   * RequestError for a missing or unreadable file: the session is not started.
   */
  private sessionTrust(request: SessionRequest, info: Payload<'INFO'>): SessionTrust {
    const env = this.issuer === null ? process.env : { ...process.env, [DATA_DIR_ENV]: this.issuer.dataDir };
    if (request.issueCredential !== undefined) {
      if (this.issuer === null) throw new Error('a bench-issued credential needs the simulated bench');
      const credentialPath = this.issuer.issue(request.issueCredential, info.serialNumber, this.options.nowMs());
      return loadSessionTrust({ credentialPath, trustPath: this.issuer.trustPath }, env);
    }
    return request.documents === undefined ? {} : loadSessionTrust(request.documents, env);
  }

  /** Shuts the last session's runner down once its session ended (or at close), keeping its final snapshot for passes(). */
  private async endSession(): Promise<void> {
    const runner = this.runner;
    if (runner === null || this.runnerShut || (!runner.hasEnded && !this.closed)) return;
    this.runnerShut = true;
    await runner.shutdown();
  }

  /** HELLO on the bench's own link, then the heartbeat and telemetry; resolves with INFO. */
  private async benchLink(): Promise<Payload<'INFO'>> {
    this.closeBenchLink();
    const link = new PenLink({ port: this.port as ClosablePort, clock: this.options.clock });
    this.link = link;
    link.on('telemetry', (payload) => this.observe({ type: 'TELEMETRY', ...payload }));
    const info = await link.hello();
    this.info = info;
    link.startHeartbeat(HEARTBEAT_PERIOD_MS);
    await link.command('SET_TELEMETRY', { rateHz: SESSION_TELEMETRY_HZ });
    return info;
  }

  private closeBenchLink(): void {
    this.link?.close();
    this.link = null;
  }

  private observe(event: ControllerEvent): void {
    if (event.type !== 'TELEMETRY') return;
    this.readingsValue = {
      penState: codeName(PenState, event.state),
      faultCode: codeName(Fault, event.faultCode),
      lastStopReason: event.lastStopReason === undefined ? null : codeName(Reason, event.lastStopReason),
      measuredDepthUm: event.measuredDepthUm,
      commandedDepthUm: event.commandedDepthUm,
      measuredStrokeHz: event.measuredStrokeHz ?? null,
    };
  }

  private deviceUnderTest(info: Payload<'INFO'>): DeviceUnderTest {
    return {
      target: this.options.target,
      description: this.options.description,
      sku: info.sku === Sku.PRO ? 'pro' : 'home',
      serialNumber: info.serialNumber,
      firmwareVersion: `${info.firmwareMajor}.${info.firmwareMinor}.${info.firmwarePatch}`,
      protocolVersion: info.protocolVersion,
      cartridgeId: info.cartridgeId === 0 ? null : info.cartridgeId,
    };
  }
}

/** The machine has the drive armed on an area: waiting for contact, or in a pass. */
function isDriving(runner: SessionRunner): boolean {
  const snapshot = runner.snapshot;
  return (
    snapshot.matches({ connected: { session: 'armed' } }) || snapshot.matches({ connected: { session: 'treating' } })
  );
}
