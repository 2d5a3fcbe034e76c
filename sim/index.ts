// Public surface of the simulated pen hardware: runner, pen, physics, faults, operator and mock port.
export { SeededRandom } from './random.js';
export * from './physics/depth-actuator.js';
export * from './physics/motor.js';
export * from './physics/battery.js';
export * from './physics/cartridge.js';
export * from './physics/skin.js';
export { SimulatedHardware, type SimulatedHardwareOptions, type UartSink } from './simulated-hardware.js';
export { SimulatedPen, DEFAULT_BATTERY_PERCENT, type SimulatedPenOptions } from './simulated-pen.js';
export { SimulatedLink, type LinkDirection, type LinkCounters } from './link.js';
export {
  FaultInjector,
  FAULT_KINDS,
  type FaultKind,
  type FaultSpec,
  type FaultRecord,
  type GarbageDirection,
} from './faults.js';
export {
  createOperatorScript,
  OperatorRunner,
  OPERATOR_DEBOUNCE_MS,
  DEFAULT_READY_POLL_MS,
  type OperatorArea,
  type OperatorIntent,
  type OperatorRunnerOptions,
  type OperatorScriptOptions,
  type OperatorStep,
  type IntegerRange,
  type ContactTarget,
} from './operator.js';
export {
  attachMockPort,
  simulatedPortBinding,
  MockPortAttachment,
  DEFAULT_MAX_READ_BYTES,
  type MockPortOptions,
} from './mock-port.js';
export {
  PenSimulation,
  DEFAULT_NEEDLE_COUNT,
  type PenSimulationOptions,
  type SimulationPeripheral,
  type SimulationObserver,
} from './pen-simulation.js';
/** Version of the firmware the simulated pen runs (what its INFO reports). */
export { FIRMWARE_VERSION as SIMULATED_FIRMWARE_VERSION } from '../firmware/api.js';
export { drawPenDefaults, type CartridgeSpec, type PenDefaults } from './pen-defaults.js';
