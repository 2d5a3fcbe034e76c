// A SessionRecorder on the embedded database: passes are opened durably before the needles run on them (S5, S16).
import type {
  FaultEntry,
  PassEndedParams,
  PassParams,
  PassStartedParams,
  ReasonEntry,
  SessionEndedParams,
} from '../machine/events.js';
import { codeName, Fault } from '../protocol/index.js';
import type { Store } from '../store/index.js';
import type { SessionRecorder } from './recorder.js';

/** Records one session. `sessionId` is set once the session record exists; until then only the audit log is written. */
export class StoreRecorder implements SessionRecorder {
  sessionId: number | null = null;
  private readonly openPassIds = new Map<string, number>();
  /** Called after each durable pass reservation (the crash harness prints it as an acknowledgement). */
  onPassReserved: ((area: string, passNumber: number) => void) | null = null;

  constructor(
    private readonly store: Store,
    private readonly clientId: string,
  ) {}

  reservePass(pass: PassParams): void {
    if (this.sessionId === null) throw new Error('reservePass before the session record exists');
    // NOTE: synchronous and durable (WAL, synchronous=FULL): the pass counts before the needles may run on it.
    const opened = this.store.openPass(this.sessionId, pass.area);
    this.openPassIds.set(key(pass), opened.passId);
    this.onPassReserved?.(pass.area, opened.passNumber);
  }

  passStarted(pass: PassStartedParams): void {
    const passId = this.openPassIds.get(key(pass));
    if (passId !== undefined) this.store.markPassContact(passId);
  }

  passEnded(pass: PassEndedParams): void {
    const passId = this.openPassIds.get(key(pass));
    if (passId === undefined) return;
    this.store.closePass(passId, { strokes: pass.strokes, punctures: pass.punctures });
    this.openPassIds.delete(key(pass));
  }

  areaLocked(area: string, reason: string): void {
    this.audit('areaLocked', { area, reason });
  }

  refusal(entry: ReasonEntry): void {
    this.store.recordRefusal({ ...entry, sessionId: this.sessionId, clientId: this.clientId });
  }

  clamp(entry: ReasonEntry): void {
    this.audit('clamp', entry);
  }

  stop(entry: ReasonEntry): void {
    this.audit('stop', entry);
  }

  fault(entry: FaultEntry): void {
    const code = entry.code === Fault.NONE ? entry.reason : codeName(Fault, entry.code);
    this.store.recordFault(this.sessionId, { code, detail: `${entry.reason}: ${entry.detail}` });
  }

  audit(kind: string, detail: unknown): void {
    this.store.audit(kind, detail, this.sessionId);
  }

  sessionEnded(end: SessionEndedParams): void {
    this.audit('sessionEnded', end);
  }
}

function key(pass: PassParams): string {
  return `${pass.area}#${pass.passNumber}`;
}
