// Pass counting from the pen's contact edges (S5): pure reducer with the lift-off debounce.

import { PASS_DEBOUNCE_MS } from '../limits/index.js';

/** Default debounce (the limits table): a lift-off shorter than this, then contact again, is the same pass (ms, pen time). */
export const DEFAULT_PASS_DEBOUNCE_MS = PASS_DEBOUNCE_MS;

/** A contact edge as reported by EVENT_CONTACT: pen time (ms) and the pen's stroke counter. */
export interface ContactEdge {
  readonly contact: boolean;
  readonly atMs: number;
  readonly strokeCount: number;
}

export interface PassCounterState {
  /** Passes started, including passes carried over (e.g. after a crash). Never decreases. */
  readonly passes: number;
  readonly inContact: boolean;
  /** A pass is open: in contact, or lifted off less than the debounce ago and not yet closed. */
  readonly passOpen: boolean;
  /** Pen time and stroke counter at the last accepted contact-on edge. */
  readonly contactOnAtMs: number;
  readonly contactOnStrokeCount: number;
  /** Pen time of the last lift-off (meaningful while `passOpen && !inContact`). */
  readonly liftOffAtMs: number;
  /** Strokes and contact time of the open (or last) pass, counted only while in contact. */
  readonly passStrokes: number;
  readonly passContactMs: number;
  /** Strokes and contact time over every pass. */
  readonly totalStrokes: number;
  readonly totalContactMs: number;
}

/**
 * What an edge did. `passStarted`: a new pass began (counted at once: a started pass counts);
 * `passResumed`: contact again within the debounce (same pass); `liftedOff`: contact ended, pass
 * still open; `ignored`: a duplicate or out-of-place edge.
 */
export type EdgeOutcome = 'passStarted' | 'passResumed' | 'liftedOff' | 'ignored';

export interface EdgeResult {
  readonly state: PassCounterState;
  readonly outcome: EdgeOutcome;
}

/** A counter with `priorPasses` already counted (not a finite integer >= 0: 0). */
export function createPassCounter(priorPasses = 0): PassCounterState {
  const passes = Number.isInteger(priorPasses) && priorPasses > 0 ? priorPasses : 0;
  return {
    passes,
    inContact: false,
    passOpen: false,
    contactOnAtMs: 0,
    contactOnStrokeCount: 0,
    liftOffAtMs: 0,
    passStrokes: 0,
    passContactMs: 0,
    totalStrokes: 0,
    totalContactMs: 0,
  };
}

/**
 * Strokes between two readings of the pen's counter. NOTE: a counter that went backwards was
 * reset (pen reboot): everything since is counted; non-finite readings count as no strokes.
 */
export function strokesBetween(fromCount: number, toCount: number): number {
  if (!Number.isFinite(fromCount) || !Number.isFinite(toCount)) return 0;
  return toCount >= fromCount ? toCount - fromCount : Math.max(0, toCount);
}

/**
 * Applies one contact edge. A contact-on edge starts a new pass unless a pass is open and the
 * lift-off lasted 0 <= gap < debounceMs. NOTE: a gap that went backwards in pen time (reboot)
 * starts a new pass; a second contact-on while in contact (a lost lift-off) starts a new pass
 * when it comes debounceMs or more after the first: the limit is never evaded by lost or short
 * edges. Counting only grows.
 */
export function applyContactEdge(state: PassCounterState, edge: ContactEdge, debounceMs: number): EdgeResult {
  return edge.contact ? contactOn(state, edge, debounceMs) : contactOff(state, edge);
}

function contactOn(state: PassCounterState, edge: ContactEdge, debounceMs: number): EdgeResult {
  if (state.inContact) {
    if (!(edge.atMs - state.contactOnAtMs >= debounceMs)) return { state, outcome: 'ignored' };
    const ended = endContact(state, edge);
    return { state: startPass(ended, edge), outcome: 'passStarted' };
  }
  const gapMs = edge.atMs - state.liftOffAtMs;
  if (state.passOpen && gapMs >= 0 && gapMs < debounceMs) {
    const resumed = { ...state, inContact: true, contactOnAtMs: edge.atMs, contactOnStrokeCount: edge.strokeCount };
    return { state: resumed, outcome: 'passResumed' };
  }
  return { state: startPass(state, edge), outcome: 'passStarted' };
}

function contactOff(state: PassCounterState, edge: ContactEdge): EdgeResult {
  if (!state.inContact) return { state, outcome: 'ignored' };
  return { state: { ...endContact(state, edge), liftOffAtMs: edge.atMs }, outcome: 'liftedOff' };
}

function startPass(state: PassCounterState, edge: ContactEdge): PassCounterState {
  return {
    ...state,
    passes: state.passes + 1,
    inContact: true,
    passOpen: true,
    contactOnAtMs: edge.atMs,
    contactOnStrokeCount: edge.strokeCount,
    passStrokes: 0,
    passContactMs: 0,
  };
}

/** Adds the contact interval that ends at `edge` to the pass and the totals. */
function endContact(state: PassCounterState, edge: ContactEdge): PassCounterState {
  const strokes = strokesBetween(state.contactOnStrokeCount, edge.strokeCount);
  const contactMs = Number.isFinite(edge.atMs) ? Math.max(0, edge.atMs - state.contactOnAtMs) : 0;
  return {
    ...state,
    inContact: false,
    passStrokes: state.passStrokes + strokes,
    passContactMs: state.passContactMs + contactMs,
    totalStrokes: state.totalStrokes + strokes,
    totalContactMs: state.totalContactMs + contactMs,
  };
}

/**
 * Ends contact at the pen's present reading (the drive stopped, or the session moved on while in
 * contact) and closes the pass. `atMs`/`strokeCount` are the latest pen readings.
 */
export function forceEndPass(state: PassCounterState, atMs: number, strokeCount: number): PassCounterState {
  const ended = state.inContact ? endContact(state, { contact: false, atMs, strokeCount }) : state;
  return { ...ended, passOpen: false };
}

/** Strokes delivered so far in the present contact (0 when not in contact). */
export function liveContactStrokes(state: PassCounterState, strokeCount: number): number {
  return state.inContact ? strokesBetween(state.contactOnStrokeCount, strokeCount) : 0;
}

/** Contact time so far in the present contact, ms (0 when not in contact or the reading is not finite). */
export function liveContactMs(state: PassCounterState, atMs: number): number {
  return state.inContact && Number.isFinite(atMs) ? Math.max(0, atMs - state.contactOnAtMs) : 0;
}
