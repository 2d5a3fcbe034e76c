// XState setup of the controller: types, named guards, no-op side effects and the named context actions.
import { assign, enqueueActions, setup, type ParameterizedObject } from 'xstate';
import type { ControllerContext } from './context.js';
import type {
  ControllerActionParams,
  ControllerEvent,
  ControllerInput,
  FaultEntry,
  ReasonEntry,
  SessionEndedParams,
} from './events.js';
import { guards } from './guards.js';
import * as steps from './steps.js';

/** A no-op default for a side effect; the wiring replaces it with `.provide({ actions })`. */
function sideEffect<K extends keyof ControllerActionParams>(): (_: unknown, params: ControllerActionParams[K]) => void {
  return () => undefined;
}

interface StepEnqueue {
  assign: (patch: Partial<ControllerContext>) => void;
  (action: steps.Effect): void;
}

interface StepArgs {
  readonly context: ControllerContext;
  readonly event: ControllerEvent;
}

function hasKeys(patch: Partial<ControllerContext>): boolean {
  for (const key in patch) if (Object.hasOwn(patch, key)) return true;
  return false;
}

/**
 * A named action that applies a pure step: its patch, then its side effects in order. Typed with
 * `never` as the enqueued action type so setup's own action union is not inferred from itself.
 */
function stepAction<TParams extends ParameterizedObject['params'] | undefined = undefined>(
  step: (args: StepArgs, params: TParams) => steps.Step,
) {
  return enqueueActions<ControllerContext, ControllerEvent, TParams, ControllerEvent, never, never, never>(
    ({ context, event, enqueue }, params) => {
      const result = step({ context, event }, params);
      const run = enqueue as unknown as StepEnqueue;
      // An empty patch would still copy the context and the snapshot: skipped.
      if (hasKeys(result.patch)) run.assign(result.patch);
      for (const effect of result.effects) run(effect);
    },
  );
}

/** Machine setup: every guard and action is named here; the machine config refers only to names. */
export const controllerSetup = setup({
  types: {
    context: {} as ControllerContext,
    events: {} as ControllerEvent,
    input: {} as ControllerInput,
    output: {} as ControllerContext,
  },
  guards,
  actions: {
    // Side effects carried out by the wiring (no-ops by default).
    openLink: sideEffect<'openLink'>(),
    sendHello: sideEffect<'sendHello'>(),
    sendDepth: sideEffect<'sendDepth'>(),
    sendSpeed: sideEffect<'sendSpeed'>(),
    armDrive: sideEffect<'armDrive'>(),
    disarmDrive: sideEffect<'disarmDrive'>(),
    stopNeedles: sideEffect<'stopNeedles'>(),
    emergencyStop: sideEffect<'emergencyStop'>(),
    resetPen: sideEffect<'resetPen'>(),
    startDebounceTimer: sideEffect<'startDebounceTimer'>(),
    cancelDebounceTimer: sideEffect<'cancelDebounceTimer'>(),
    reservePass: sideEffect<'reservePass'>(),
    recordPassStarted: sideEffect<'recordPassStarted'>(),
    recordPassEnded: sideEffect<'recordPassEnded'>(),
    recordAreaLocked: sideEffect<'recordAreaLocked'>(),
    recordRefusal: sideEffect<'recordRefusal'>(),
    recordClamp: sideEffect<'recordClamp'>(),
    recordStop: sideEffect<'recordStop'>(),
    recordFault: sideEffect<'recordFault'>(),
    sessionEnded: sideEffect<'sessionEnded'>(),
    sessionCompleted: sideEffect<'sessionCompleted'>(),
    // Context updates (pure, in steps.ts); some enqueue side effects above.
    trackPenReadings: assign(({ context, event }) => steps.trackPenReadings(context, event)),
    storePenInfo: assign(({ event }) => steps.storePenInfo(event)),
    unlockPro: assign({ proUnlocked: true }),
    chooseArea: assign(({ context, event }) =>
      steps.chooseArea(context, event.type === 'SELECT_AREA' ? event.area : (context.currentArea ?? '')),
    ),
    leaveArea: assign({ currentArea: null, depthAcked: false, speedAcked: false }),
    noteSetupAck: assign(({ event }) => steps.noteSetupAck(event)),
    noteMeasuredDepth: assign(({ context, event }) => steps.noteMeasuredDepth(context, event)),
    // One assign (one context copy, one snapshot) per drive telemetry instead of two.
    trackDriveReadings: assign(({ context, event }) => steps.trackDriveReadings(context, event)),
    clearAfterReset: assign(({ context }) => steps.clearAfterReset(context)),
    beginSession: stepAction(({ context }) => steps.beginSession(context)),
    notePenClamp: stepAction(({ context, event }) => steps.notePenClamp(context, event)),
    notePenRefusal: stepAction(({ context, event }) => steps.notePenRefusal(context, event)),
    openPassIfNeeded: stepAction(({ context }) => steps.openPassIfNeeded(context)),
    countEdge: stepAction(({ context, event }, params: { source: steps.EdgeSource }) =>
      steps.countEdge(context, event, params.source),
    ),
    closeOpenPass: stepAction(({ context }) => steps.closeOpenPass(context)),
    refuse: stepAction(({ context }, params: ReasonEntry) => steps.addRefusal(context, params)),
    noteStop: stepAction(({ context }, params: ReasonEntry) => steps.addStop(context, params)),
    noteFault: stepAction(({ context }, params: FaultEntry) => steps.addFault(context, params)),
    endSession: stepAction((_, params: SessionEndedParams) => steps.endSession(params)),
  },
});
