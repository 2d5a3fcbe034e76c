// Public surface of the controller machine: the machine, its contract types, the context and the diagram.
export { controllerMachine } from './machine.js';
export { controllerSetup } from './setup.js';
export { createInitialContext, type AreaProgress, type ControllerContext, type PenIdentity } from './context.js';
export { MEASURED_DEPTH_TOLERANCE_UM } from './logic.js';
export { machineToMermaid } from './diagram.js';
export type {
  ControllerActionName,
  ControllerActionParams,
  ControllerEvent,
  ControllerEventType,
  ControllerInput,
  FaultEntry,
  Outcome,
  PassEndedParams,
  PassParams,
  PassStartedParams,
  PenCommandName,
  ReasonEntry,
  SessionEndedParams,
  TelemetryEvent,
} from './events.js';
