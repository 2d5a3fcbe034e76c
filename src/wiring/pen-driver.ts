// Connects the machine to the pen link: its link effects become frames, the pen's reports become machine events.
import type { Clock } from '../clock/clock.js';
import { HEARTBEAT_PERIOD_MS } from '../limits/index.js';
import type { ControllerEffect, ControllerEvent, PenCommandName } from '../machine/index.js';
import type { Payload } from '../protocol/index.js';
import type { CommandResult } from '../transport/index.js';
import { inThreadLink, type ClosablePort, type HostLink } from './host-link.js';

export type { ClosablePort } from './host-link.js';

/**
 * Where the link comes from: a port for a PenLink on this thread (the simulated pen in virtual
 * time), or a ready link (the link thread of a real port).
 */
export type LinkSource =
  { readonly openPort: () => Promise<ClosablePort> } | { readonly openLink: () => Promise<HostLink> };

export type PenDriverDeps = LinkSource & {
  readonly clock: Clock;
  /** Delivers a machine event (answers and pen reports). */
  readonly send: (event: ControllerEvent) => void;
};

/**
 * Owns the port and the link of one session. Nothing here decides: it sends what the machine
 * asked and reports what the pen said.
 */
export class PenDriver {
  private link: HostLink | null = null;
  private closing: Promise<void> = Promise.resolve();
  private infoValue: Payload<'INFO'> | null = null;

  constructor(private readonly deps: PenDriverDeps) {}

  get info(): Payload<'INFO'> | null {
    return this.infoValue;
  }

  /** Carries out a link effect; other effects are not the driver's. */
  carryOut(effect: ControllerEffect): void {
    switch (effect.type) {
      case 'openLink':
        return void this.openLink();
      case 'sendHello':
        return void this.hello();
      case 'sendTelemetryRate':
        return this.command('SET_TELEMETRY', { rateHz: effect.rateHz });
      case 'sendDepthLimit':
        return this.command('SET_DEPTH_LIMIT', { limitUm: effect.limitUm });
      case 'sendDepth':
        return this.command('SET_DEPTH', { depthUm: effect.depthUm });
      case 'sendSpeed':
        return this.command('SET_SPEED', { strokeHz: effect.strokeHz });
      case 'armDrive':
        return this.command('ARM', {});
      // NOTE: STOP and ESTOP take the link's priority path, ahead of every queued command.
      case 'stopNeedles':
        return void this.link?.realtime('STOP');
      case 'emergencyStop':
        return void this.link?.realtime('ESTOP');
      case 'resetPen':
        this.command('RESET_FAULT', {});
        return this.command('HOME', {});
      default:
        return;
    }
  }

  /** Fail-safe: STOP at once, then the link goes quiet so the pen's lease lapses too. */
  emergencyQuiet(): void {
    this.link?.realtime('STOP');
    this.link?.quiet();
  }

  /** Closes the link and its port (a STOP already handed to the link is written first). */
  close(): void {
    const link = this.link;
    this.link = null;
    if (link !== null) this.closing = Promise.all([this.closing, link.close()]).then(() => {});
  }

  /** Resolves once every link closed so far has closed its port. */
  whenClosed(): Promise<void> {
    return this.closing;
  }

  private async openLink(): Promise<void> {
    this.close();
    try {
      const deps = this.deps;
      const link = 'openLink' in deps ? await deps.openLink() : inThreadLink(await deps.openPort(), deps.clock);
      this.link = link;
      const send = this.deps.send;
      link.on('telemetry', (payload) => send({ type: 'TELEMETRY', ...payload }));
      link.on('contact', (payload) =>
        send({
          type: payload.contact === 1 ? 'CONTACT_ON' : 'CONTACT_OFF',
          atMs: payload.deviceTickMs,
          strokeCount: payload.strokeCount,
        }),
      );
      link.on('fault', (payload) => send({ type: 'PEN_FAULT', faultCode: payload.faultCode }));
      link.on('stopped', (payload) => send({ type: 'PEN_STOPPED', reason: payload.reason }));
      link.on('cartridge', (payload) => {
        if (payload.present === 0) send({ type: 'CARTRIDGE_REMOVED' });
      });
      // NOTE: the link thread adds a detail (how long the machine stalled) to HOST_STALLED.
      link.onLinkDead((reason: string, detail?: string) => send({ type: 'LINK_DEAD', reason: detail ?? reason }));
      send({ type: 'LINK_OPENED' });
    } catch (error) {
      this.deps.send({ type: 'LINK_FAILED', reason: (error as Error).message });
    }
  }

  private async hello(): Promise<void> {
    const link = this.link;
    if (link === null) return;
    try {
      const info = await link.hello();
      this.infoValue = info;
      link.startHeartbeat(HEARTBEAT_PERIOD_MS);
      this.deps.send({ type: 'INFO_RECEIVED', info });
    } catch {
      this.deps.send({ type: 'HANDSHAKE_TIMEOUT' });
    }
  }

  private command<N extends PenCommandName>(name: N, payload: Payload<N>): void {
    const link = this.link;
    if (link === null) return;
    link.command(name, payload).then(
      (result: CommandResult) =>
        this.deps.send(
          result.ok
            ? { type: 'COMMAND_ACKED', command: name, note: result.note, appliedValue: result.appliedValue }
            : { type: 'COMMAND_NAKED', command: name, reason: result.reason },
        ),
      () => {
        // A dead link is reported once through onLinkDead; nothing more to do for this command.
      },
    );
  }
}
