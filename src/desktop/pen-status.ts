// The pen side as the status report shows it: state, latched fault, last stop, contact, counters, battery, cartridge and link, read from the desk pen.
import type { DeskPen } from '../../sim/desk-pen.js';
import type { FaultInjector, SimulatedLink, SimulatedPen } from '../../sim/index.js';
import { OVER_DEPTH_MARGIN_UM } from '../limits/index.js';
import { Fault, PenState, Reason, codeName } from '../protocol/index.js';
import type { FeedFigures } from './feed-publisher.js';
import type { StatusMessage } from './shared/messages.js';

/** What the status report reads: the pen-only desk pen, or the controller mode's simulation. */
export interface DeskPenView {
  readonly nowMs: number;
  readonly pen: SimulatedPen;
  readonly link: SimulatedLink;
  readonly faults: FaultInjector;
  readonly punctures: number;
  readonly isPortWritable: boolean;
  diagnostics(): ReturnType<DeskPen['diagnostics']>;
}

/** The pen's own cap (its SKU's absolute maximum, from its checked configuration) and the limiter's trip line, um. */
export function penLimitsUm(pen: DeskPenView): { readonly capUm: number; readonly tripUm: number } {
  const { capUm } = pen.diagnostics();
  return { capUm, tripUm: capUm + OVER_DEPTH_MARGIN_UM };
}

/** Builds one status report from the desk pen now (the firmware's diagnostic view and the physics). */
export function penStatus(pen: DeskPenView, feed: FeedFigures): StatusMessage {
  const diagnostics = pen.diagnostics();
  const { motor, skin, battery, cartridge } = pen.pen.hardware;
  const inserted = cartridge.read();
  return {
    type: 'status',
    atMs: pen.nowMs,
    state: { code: diagnostics.state, name: codeName(PenState, diagnostics.state) },
    fault:
      diagnostics.faultCode === Fault.NONE
        ? null
        : { code: diagnostics.faultCode, name: codeName(Fault, diagnostics.faultCode) },
    lastStop:
      diagnostics.lastStopReason === Reason.NONE
        ? null
        : { code: diagnostics.lastStopReason, name: codeName(Reason, diagnostics.lastStopReason) },
    contact: skin.isInContact,
    motorOn: motor.commandHz > 0,
    strokes: motor.strokeCount,
    punctures: pen.punctures,
    batteryPercent: Math.max(0, Math.min(100, Math.round(battery.percent))),
    batteryMv: battery.terminalMv,
    cartridge: inserted === null ? null : { id: inserted.id, needles: inserted.needleCount },
    telemetryRateHz: diagnostics.telemetryRateHz,
    hostConnected: diagnostics.connected,
    portOpen: pen.isPortWritable,
    bootCount: pen.pen.bootCount,
    link: {
      dropped: pen.link.isDropped,
      delayMs: pen.link.deliveryDelayMs,
      lostToPenBytes: pen.link.toPenCounters.lostBytes,
      lostToHostBytes: pen.link.toHostCounters.lostBytes,
    },
    frames: { dropped: diagnostics.droppedFrames, refused: diagnostics.refusedFrames },
    activeFaults: [...new Set(pen.faults.active)],
    feed: { ...feed },
  };
}
