// XState setup of the controller: types, named guards, named context updates and named effects (emitted to the runner).
import { assign, emit, enqueueActions, setup } from 'xstate';
import { Fault } from '../protocol/index.js';
import { PolicyReason } from '../policy/index.js';
import { SESSION_TELEMETRY_HZ } from '../limits/index.js';
import { admissionDecision } from './admission.js';
import { NO_SETUP_ACKS, currentProgress, type ControllerContext } from './context.js';
import type { ControllerEffectParams, ControllerEvent, ControllerInput, Outcome, TimerName } from './events.js';
import { guards } from './guards.js';
import { timerDelayMs } from './timers.js';
import * as update from './updates.js';

/** An effect the machine asks the runner for: `{ type: name, ...params }`, emitted after the transition. */
export type ControllerEffect = {
  [K in keyof ControllerEffectParams]: { readonly type: K } & (ControllerEffectParams[K] extends undefined
    ? unknown
    : ControllerEffectParams[K]);
}[keyof ControllerEffectParams];

type Args = { readonly context: ControllerContext; readonly event: ControllerEvent };

const last = <T>(list: readonly T[]): T => list[list.length - 1] as T;

/** Machine setup: every guard and action is named here; the machine config refers only to names. */
export const controllerSetup = setup({
  types: {
    context: {} as ControllerContext,
    events: {} as ControllerEvent,
    input: {} as ControllerInput,
    output: {} as ControllerContext,
    emitted: {} as ControllerEffect,
  },
  guards,
  actions: {
    // Context updates (pure, in updates.ts).
    storePenInfo: assign(({ context, event }: Args) => update.storePenInfo(context, event)),
    noteClaim: assign(({ context, event }: Args) => update.noteClaim(context, event)),
    noteAdmissionRefusals: assign(({ context, event }: Args) => update.noteAdmissionRefusals(context, event)),
    grantUnlock: assign(({ context, event }: Args) => update.grantUnlock(context, event)),
    noteProfileRefusals: assign(({ context }: Args) => update.noteProfileRefusals(context)),
    beginSession: assign(({ context }: Args) => update.beginSession(context)),
    trackPenReadings: assign(({ context, event }: Args) => update.trackPenReadings(context, event)),
    trackDriveReadings: assign(({ context, event }: Args) => update.trackDriveReadings(context, event)),
    chooseArea: assign(({ context, event }: Args) =>
      update.chooseArea(context, event.type === 'SELECT_AREA' ? event.area : context.currentArea),
    ),
    chooseNextArea: assign(({ context }: Args) => update.chooseNextArea(context)),
    leaveArea: assign({ currentArea: null, acks: NO_SETUP_ACKS }),
    startArming: assign({ acks: NO_SETUP_ACKS }),
    noteSetupAck: assign(({ context, event }: Args) => update.noteSetupAck(context, event)),
    noteArmRefused: assign(({ context }: Args) => update.noteArmRefused(context)),
    noteReservationRequested: assign(({ context }: Args) => update.noteReservationRequested(context)),
    noteReservationConfirmed: assign(({ context, event }: Args) => update.noteReservationConfirmed(context, event)),
    countEdge: assign(({ context, event }: Args, params: { source: update.EdgeSource }) =>
      update.countEdge(context, event, params.source),
    ),
    endPass: assign(({ context }: Args) => update.endPass(context)),
    lockAreaAtLimit: assign(({ context }: Args) => update.lockAreaAtLimit(context)),
    lockForExposure: assign(({ context }: Args) => update.lockForExposure(context)),
    notePenClamp: enqueueActions(({ context, event, enqueue }) => {
      if (event.type === 'COMMAND_ACKED' && event.note !== 0) enqueue.assign(update.notePenClamp(context, event));
    }),
    notePenRefusal: assign(({ context, event }: Args) => update.notePenRefusal(context, event)),
    noteRefusal: assign(({ context, event }: Args, params: { reason: string; detail?: string }) =>
      update.addRefusal(context, params.reason, params.detail ?? update.eventDetail(event)),
    ),
    noteClaimRefusal: assign(({ context, event }: Args) =>
      event.type === 'CLAIM_REFUSED' ? update.addRefusal(context, event.reason, event.detail) : {},
    ),
    noteStop: assign(({ context, event }: Args, params: { reason: string; detail?: string }) =>
      update.addStop(context, params.reason, params.detail ?? update.eventDetail(event)),
    ),
    noteExposureStop: assign(({ context }: Args) => update.noteExposureStop(context)),
    noteLinkDead: assign(({ context, event }: Args) =>
      update.addFault(context, Fault.NONE, PolicyReason.LINK_DEAD, update.eventDetail(event)),
    ),
    notePenFault: assign(({ context, event }: Args) =>
      update.addFault(context, update.penFaultCode(event), PolicyReason.PEN_FAULT, update.penFaultDetail(event)),
    ),
    notePenStopped: assign(({ context, event }: Args) =>
      update.addFault(context, Fault.NONE, PolicyReason.PEN_STOPPED, update.penStopDetail(event)),
    ),
    noteCartridgeRemoved: assign(({ context }: Args) =>
      update.addFault(
        context,
        Fault.CARTRIDGE_REMOVED,
        PolicyReason.CARTRIDGE_REMOVED,
        'cartridge removed: the session ends for this cartridge',
      ),
    ),
    noteTelemetryFault: assign(({ context, event }: Args, params: { driveOnArea: boolean }) =>
      update.noteTelemetryFault(context, event, params.driveOnArea),
    ),
    notePenDepthAboveCommand: assign(({ context, event }: Args) =>
      update.addFault(
        context,
        Fault.NONE,
        PolicyReason.PEN_DEPTH_ABOVE_COMMAND,
        event.type === 'COMMAND_ACKED'
          ? `${event.command} applied ${event.appliedValue} um`
          : 'pen setpoint above the commanded depth',
      ),
    ),
    noteRecordsUnavailable: assign(({ context, event }: Args) =>
      update.addFault(context, Fault.NONE, PolicyReason.RECORDS_UNAVAILABLE, update.eventDetail(event)),
    ),
    endSession: assign(({ context }: Args, params: { outcome: Outcome; reason?: string }) =>
      update.endSession(context, params),
    ),
    endRefusedByProfile: assign(({ context }: Args) => update.endRefusedByProfile(context)),
    endRefusedByAdmission: assign(({ context, event }: Args) => update.endRefusedByAdmission(context, event)),

    // Effects: emitted to the runner after the transition, in order (see ControllerEffectParams).
    openLink: emit({ type: 'openLink' } as const),
    sendHello: emit({ type: 'sendHello' } as const),
    sendTelemetryRate: emit({ type: 'sendTelemetryRate', rateHz: SESSION_TELEMETRY_HZ } as const),
    sendDepthLimit: emit(
      ({ context }: Args) => ({ type: 'sendDepthLimit', limitUm: context.commandedDepthUm }) as const,
    ),
    sendDepth: emit(({ context }: Args) => ({ type: 'sendDepth', depthUm: context.commandedDepthUm }) as const),
    sendSpeed: emit(
      ({ context }: Args) => ({ type: 'sendSpeed', strokeHz: currentProgress(context)?.strokeHz ?? 0 }) as const,
    ),
    armDrive: emit({ type: 'armDrive' } as const),
    stopNeedles: emit({ type: 'stopNeedles' } as const),
    emergencyStop: emit({ type: 'emergencyStop' } as const),
    resetPen: emit({ type: 'resetPen' } as const),
    startTimer: emit(
      ({ context }: Args, params: { timer: TimerName }) =>
        ({ type: 'startTimer', timer: params.timer, delayMs: timerDelayMs(context, params.timer) }) as const,
    ),
    cancelTimer: emit(
      (_: Args, params: { timer: TimerName }) => ({ type: 'cancelTimer', timer: params.timer }) as const,
    ),
    cancelAllTimers: emit({ type: 'cancelAllTimers' } as const),
    claimSession: emit(
      ({ context }: Args) =>
        ({
          type: 'claimSession',
          clientId: context.settings.clientId,
          mode: context.mode,
          isPatchTest: context.settings.isPatchTest,
          plan: context.settings.plan,
          cartridgeId: context.pen === null || context.pen.cartridgeId === 0 ? null : context.pen.cartridgeId,
          penSerialNumber: context.pen?.serialNumber ?? 0,
        }) as const,
    ),
    requestAdmissionFacts: emit(
      ({ context }: Args) =>
        ({
          type: 'requestAdmissionFacts',
          sessionId: context.record.sessionId ?? 0,
          cartridgeId: context.pen === null || context.pen.cartridgeId === 0 ? null : context.pen.cartridgeId,
        }) as const,
    ),
    reservePass: emit(({ context }: Args) => {
      const progress = currentProgress(context);
      return { type: 'reservePass', area: progress!.area, passNumber: progress!.passesOpened } as const;
    }),
    recordPassStarted: emit(({ context }: Args) => {
      const progress = currentProgress(context)!;
      return {
        type: 'recordPassStarted',
        area: progress.area,
        passNumber: progress.counter.passes,
        atMs: progress.counter.contactOnAtMs,
      } as const;
    }),
    recordPassEnded: enqueueActions(({ context, enqueue }) => {
      const progress = currentProgress(context);
      const ended = progress?.lastEndedPass;
      if (progress === undefined || ended === null || ended === undefined) return;
      const needles = context.pen?.needleCount ?? 0;
      enqueue.emit({
        type: 'recordPassEnded',
        area: progress.area,
        passNumber: ended.passNumber,
        strokes: ended.strokes,
        punctures: ended.strokes * needles,
        contactMs: ended.contactMs,
      });
    }),
    recordAreaLocks: enqueueActions(({ context, enqueue }) => {
      for (const lock of context.lastLocks) enqueue.emit({ type: 'recordAreaLocked', ...lock });
    }),
    recordRefusal: emit(({ context }: Args) => ({ type: 'recordRefusal', ...last(context.refusals) }) as const),
    recordAdmissionRefusals: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'ADMISSION_FACTS') return;
      const count = admissionDecision(context, event.facts).refusals.length;
      for (const entry of context.refusals.slice(-count)) enqueue.emit({ type: 'recordRefusal', ...entry });
    }),
    recordProfileRefusals: enqueueActions(({ context, enqueue }) => {
      for (const entry of context.settings.profileRefusals) enqueue.emit({ type: 'recordRefusal', ...entry });
    }),
    recordUnlock: enqueueActions(({ context, enqueue }) => {
      const unlock = context.unlock;
      if (unlock === null) return;
      enqueue.emit({
        type: 'recordUnlock',
        credentialId: unlock.credentialId,
        keyId: unlock.keyId,
        keyName: unlock.keyName,
        clinicianId: unlock.clinicianId,
        clinicianName: unlock.clinicianName,
        license: unlock.license,
        maxDepthUm: unlock.maxDepthUm,
        expiresAtMs: unlock.expiresAtMs,
        tokenSha256: unlock.tokenSha256,
      });
    }),
    recordProfile: enqueueActions(({ context, enqueue }) => {
      const profile = context.settings.profile;
      if (profile === null) return;
      enqueue.emit({
        type: 'recordProfile',
        profileId: profile.profileId,
        name: profile.settings.name,
        keyId: profile.keyId,
        clinicName: profile.clinicName,
        tokenSha256: profile.tokenSha256,
      });
    }),
    recordPenClamp: enqueueActions(({ context, event, enqueue }) => {
      if (event.type === 'COMMAND_ACKED' && event.note !== 0)
        enqueue.emit({ type: 'recordClamp', ...last(context.clamps) });
    }),
    recordClamps: enqueueActions(({ context, enqueue }) => {
      for (const entry of context.clamps)
        if (!entry.reason.startsWith('PEN_')) enqueue.emit({ type: 'recordClamp', ...entry });
    }),
    recordStop: emit(({ context }: Args) => ({ type: 'recordStop', ...last(context.stops) }) as const),
    recordFault: emit(({ context }: Args) => ({ type: 'recordFault', ...last(context.faults) }) as const),
    recordSessionEnded: emit(
      ({ context }: Args) =>
        ({ type: 'recordSessionEnded', outcome: context.outcome ?? 'aborted', reason: context.outcomeReason }) as const,
    ),
  },
});
