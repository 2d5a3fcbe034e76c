// Public surface of the controller machine: the machine, its contract types, the context and the diagram.
export { controllerMachine } from './machine.js';
export { controllerSetup, type ControllerEffect } from './setup.js';
export { createInitialContext, type AreaProgress, type ControllerContext, type PenIdentity } from './context.js';
export { MEASURED_DEPTH_TOLERANCE_UM } from './logic.js';
export { machineToMermaid } from './diagram.js';
export { TIMER_EVENTS } from './events.js';
export { TELEMETRY_FOLD_TAGS, isInertTelemetry } from './telemetry-fold.js';
export type {
  AdmissionFacts,
  AreaOrder,
  ClaimRequest,
  ControllerEffectName,
  ControllerEffectParams,
  ControllerEvent,
  ControllerEventType,
  ControllerInput,
  FaultEntry,
  OperatorEvent,
  OperatorEventType,
  Outcome,
  PassEndedParams,
  PassParams,
  PassStartedParams,
  PenCommandName,
  PresentedToken,
  ProfileRecordParams,
  ReasonEntry,
  ResumedSession,
  SessionClaim,
  SessionEndedParams,
  TelemetryEvent,
  TimerName,
  UnlockRecordParams,
} from './events.js';
