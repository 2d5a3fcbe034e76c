// Documented test vectors: one frame per message type, as published in docs/protocol.md.
import type { MessageName, Payload } from './catalog.js';

export interface Vector<N extends MessageName = MessageName> {
  readonly name: N;
  readonly seq: number;
  readonly payload: Payload<N>;
}

const v = <N extends MessageName>(name: N, seq: number, payload: Payload<N>): Vector =>
  ({ name, seq, payload }) as Vector;

const telemetrySample = {
  deviceTickMs: 123456,
  state: 6,
  faultCode: 0,
  flags: 0x1b,
  commandedDepthUm: 250,
  measuredDepthUm: 248,
  commandedStrokeHz: 120,
  measuredStrokeHz: 119,
  strokeCount: 54321,
  motorCurrentMa: 310,
  batteryMv: 3950,
  batteryPercent: 87,
  cartridgeId: 0xc0ffee01,
  needleCount: 12,
  lastStopReason: 0,
};

/** Every message type once, with values that exercise SLIP escapes (0xC0, 0xDB) where fields allow. */
export const VECTORS: readonly Vector[] = [
  v('HELLO', 1, { protocolVersion: 2 }),
  v('INFO', 1, {
    protocolVersion: 2,
    firmwareMajor: 1,
    firmwareMinor: 0,
    firmwarePatch: 0,
    sku: 1,
    serialNumber: 0x00c0ffee,
    maxDepthUm: 250,
    depthStepUm: 50,
    minStrokeHz: 50,
    maxStrokeHz: 150,
    leaseMs: 200,
    cartridgeId: 0xc0ffee01,
    needleCount: 12,
    batteryPercent: 87,
    batteryMv: 3950,
    configCrc: 0x1234,
    nextSeq: 0x4101,
    state: 5,
    faultCode: 0,
  }),
  v('ACK', 2, { ackedSeq: 0x4101, ackedType: 0x11, note: 0x30, appliedValue: 200, expectedSeq: 0x4102 }),
  v('NAK', 3, { refusedSeq: 0x4103, refusedType: 0x12, reason: 0x21, expectedSeq: 0x4104 }),
  v('HEARTBEAT', 0x4102, {}),
  v('SET_DEPTH', 0x4101, { depthUm: 237 }),
  v('SET_SPEED', 0x4103, { strokeHz: 120 }),
  v('ARM', 0x4104, {}),
  v('DISARM', 0x4105, {}),
  v('HOME', 0x4106, {}),
  v('RESET_FAULT', 0x4107, {}),
  v('SET_TELEMETRY', 0x4108, { rateHz: 1000 }),
  v('SET_DEPTH_LIMIT', 0x4109, { limitUm: 500 }),
  v('STOP', 0x410a, {}),
  v('ESTOP', 0x410a, {}),
  v('STATUS_REQUEST', 0, {}),
  v('TELEMETRY', 0x00c0, telemetrySample),
  v('STATUS', 0x00db, telemetrySample),
  v('EVENT_CONTACT', 7, { deviceTickMs: 123456, contact: 1, strokeCount: 54321 }),
  v('EVENT_FAULT', 8, { deviceTickMs: 123457, faultCode: 0x01, measuredDepthUm: 301, commandedDepthUm: 250 }),
  v('EVENT_STOPPED', 9, { deviceTickMs: 123658, reason: 0x52 }),
  v('EVENT_CARTRIDGE', 10, { deviceTickMs: 5, present: 1, cartridgeId: 0xc0ffee01, needleCount: 12 }),
];
