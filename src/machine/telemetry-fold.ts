// Inert telemetry: a sample the machine would take without a decision, which the runner may fold into the next event (decision 0012).
import { TelemetryFlag } from '../protocol/index.js';
import { currentProgress, type ControllerContext } from './context.js';
import type { TelemetryEvent } from './events.js';
import { exposureBreach, telemetryFault } from './logic.js';

/**
 * State tags: the states whose only answer to an inert sample (below) is to keep its readings, by
 * the contact the sample shows and the drive sense the state checks faults with (driving on the
 * current area, or not). Contact is part of the tag because a sample's contact is itself a
 * decision in other states (a lost edge).
 */
export const TELEMETRY_FOLD_TAGS = {
  inContact: { driving: 'telemetry.fold.inContact.driving', idle: 'telemetry.fold.inContact.idle' },
  outOfContact: { driving: 'telemetry.fold.outOfContact.driving', idle: 'telemetry.fold.outOfContact.idle' },
} as const;

/** What the fold test reads of a machine snapshot. */
export interface FoldView {
  readonly context: ControllerContext;
  hasTag(tag: string): boolean;
}

/**
 * True when `event` changes nothing the machine decides on in the state of `snapshot`: the state
 * carries a fold tag for the sample's contact sense, the sample shows the contact and pen state the
 * machine already holds, no pen fault, no depth above the cap or (driving) the commanded depth, no
 * budget reached with the contact in progress, (driving) no depth deeper than the area's deepest,
 * and pen time that does not go back (behind `folded`, the sample folded before it, if any). Such
 * samples only move the machine's last pen time and stroke count, so taking the latest of a run
 * of them gives the machine the same context as taking each (decision 0012; the model sweep checks it).
 */
export function isInertTelemetry(snapshot: FoldView, event: TelemetryEvent, folded: TelemetryEvent | null): boolean {
  const tickMs = event.deviceTickMs;
  if (tickMs === undefined) return false;
  const { context } = snapshot;
  const readings = context.penReadings;
  if (tickMs < Math.max(readings.lastPenTimeMs, folded?.deviceTickMs ?? 0)) return false;
  const contact = (event.flags & TelemetryFlag.CONTACT) !== 0;
  if (contact !== readings.penContact || event.state !== readings.penState) return false;
  const driving = drivingSense(snapshot, contact);
  if (driving === null || telemetryFault(context, event, driving) !== null) return false;
  const progress = currentProgress(context);
  if (driving && progress !== undefined && event.measuredDepthUm > progress.maxMeasuredDepthUm) return false;
  return exposureBreach(context, { atMs: tickMs, strokeCount: event.strokeCount }) === null;
}

/** The drive sense of the state's fold tag for this contact sense, or null when it has none. */
function drivingSense(snapshot: FoldView, contact: boolean): boolean | null {
  const tags = contact ? TELEMETRY_FOLD_TAGS.inContact : TELEMETRY_FOLD_TAGS.outOfContact;
  if (snapshot.hasTag(tags.driving)) return true;
  return snapshot.hasTag(tags.idle) ? false : null;
}
