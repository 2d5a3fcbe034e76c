// Public surface of the emulated bench fixture board: StandardFirmata on an Uno, wired to the simulated pen.
export { FirmataBoard, type BoardInputs } from './firmata-board.js';
export {
  BenchRig,
  DEFAULT_RIG_GAUGE,
  DEFAULT_RIG_SERVO,
  RIG_FAULT_KINDS,
  type BenchRigOptions,
  type RigFaultKind,
  type RigGauge,
  type RigPins,
  type RigServo,
} from './bench-rig.js';
export {
  attachMockFixtureBoard,
  FIXTURE_BOOT_DELAY_MS,
  type MockFixtureBoard,
  type MockFixtureBoardOptions,
} from './mock-fixture-board.js';
export {
  startRealtimeFixtureBoard,
  REALTIME_FIXTURE_PERIOD_MS,
  type RealtimeFixtureBoard,
  type RealtimeFixtureBoardOptions,
} from './realtime-fixture-board.js';
export * from './firmata-protocol.js';
export * from './uno-pins.js';
