// Model check of decision 0012: wherever the fold test calls a sample inert, the machine takes it with no decision, only its readings.
import {
  isInertTelemetry,
  type ControllerEffect,
  type ControllerEvent,
  type TelemetryEvent,
} from '../../src/machine/index.js';
import { PRO_MAX_DEPTH_UM } from '../../src/limits/index.js';
import { Fault, PenState, TelemetryFlag } from '../../src/protocol/index.js';
import type { ControllerSnapshot } from './machine-model.js';

/**
 * Samples to probe in a state: the readings as they are, run on by 20 ms and 2 strokes; the same
 * with the contact sense flipped, 1 um deeper than the area's deepest, in another pen state, with a
 * pen fault, a commanded depth above the machine's, a depth beyond any cap; and
 * the swept event itself, given a pen time when it has none.
 */
export function foldProbes(snapshot: ControllerSnapshot, event: ControllerEvent): TelemetryEvent[] {
  const { penReadings, commandedDepthUm, areas, currentArea } = snapshot.context;
  const deepest = areas.find((area) => area.area === currentArea)?.maxMeasuredDepthUm ?? 0;
  const atMs = penReadings.lastPenTimeMs + 20;
  const asIs: TelemetryEvent = {
    type: 'TELEMETRY',
    faultCode: 0,
    deviceTickMs: atMs,
    state: penReadings.penState,
    flags: penReadings.penContact ? TelemetryFlag.CONTACT : 0,
    strokeCount: penReadings.lastStrokeCount + 2,
    measuredDepthUm: Math.min(deepest, commandedDepthUm),
    commandedDepthUm,
  };
  const probes: TelemetryEvent[] = [
    asIs,
    { ...asIs, flags: asIs.flags ^ TelemetryFlag.CONTACT },
    { ...asIs, measuredDepthUm: deepest + 1 },
    { ...asIs, state: penReadings.penState === PenState.ARMED ? PenState.IDLE : PenState.ARMED },
    { ...asIs, faultCode: Fault.OVER_CURRENT },
    { ...asIs, commandedDepthUm: commandedDepthUm + 50 },
    { ...asIs, measuredDepthUm: PRO_MAX_DEPTH_UM + 100 },
  ];
  if (event.type === 'TELEMETRY') probes.push({ ...event, deviceTickMs: event.deviceTickMs ?? atMs });
  return probes;
}

/**
 * For an inert probe, what the machine did with it: violations if it changed state, emitted an
 * effect or changed its context beyond the last pen time (the later of the two) and stroke count.
 */
export function checkInertReaction(
  previous: ControllerSnapshot,
  probe: TelemetryEvent,
  next: ControllerSnapshot,
  effects: readonly ControllerEffect[],
): string[] {
  const violations: string[] = [];
  const where = `inert TELEMETRY in ${JSON.stringify(previous.value)}`;
  if (JSON.stringify(next.value) !== JSON.stringify(previous.value) || next.status !== previous.status)
    violations.push(`0012: ${where} moved the machine to ${JSON.stringify(next.value)}`);
  if (effects.length > 0) violations.push(`0012: ${where} emitted ${effects.map((e) => e.type).join(', ')}`);
  const expected = {
    ...previous.context,
    penReadings: {
      ...previous.context.penReadings,
      lastPenTimeMs: Math.max(previous.context.penReadings.lastPenTimeMs, probe.deviceTickMs ?? 0),
      lastStrokeCount: probe.strokeCount,
    },
  };
  if (JSON.stringify(next.context) !== JSON.stringify(expected))
    violations.push(`0012: ${where} changed the context beyond pen time and strokes`);
  return violations;
}

/** The probes of `previous` the fold test calls inert (with nothing folded before them). */
export function inertProbes(previous: ControllerSnapshot, event: ControllerEvent): TelemetryEvent[] {
  if (previous.status !== 'active') return [];
  return foldProbes(previous, event).filter((probe) => isInertTelemetry(previous, probe, null));
}
