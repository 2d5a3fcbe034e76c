// A lean pen for host benchmarks: the firmware's own Link acknowledging every command, its frames queued until taken.
import { Link } from '../firmware/link.js';
import {
  PROTOCOL_VERSION,
  PenState,
  Reason,
  SKU_MAX_DEPTH_UM,
  Sku,
  TelemetryFlag,
  type MessageName,
  type Payload,
} from '../src/protocol/index.js';

/** Cartridge the bench pen reports in INFO. */
export const BENCH_CARTRIDGE = { id: 0x5eed_0001, needleCount: 12 } as const;

/**
 * The pen side of the link is the firmware's `Link`; the bench program behind it acknowledges
 * every command with its value and runs the link's tick as soon as frames arrive. Frames to the
 * host are queued until `takeOutbox()` so the host never sees an answer inside its own write (as
 * on a wire). Memory stays flat: nothing is recorded but counters.
 */
export class BenchPen {
  /** Realtime STOP frames received. */
  stopsReceived = 0;
  commandsReceived = 0;
  private outbox: Uint8Array[] = [];
  private readonly link = new Link(
    (bytes) => this.outbox.push(bytes.slice()),
    {
      onStop: (name) => {
        if (name === 'STOP') this.stopsReceived++;
      },
      onHello: (_connected, info) => Object.assign(info, benchInfo()),
      onCommand: (message, _receivedAtTick, reply) => {
        this.commandsReceived++;
        reply.appliedValue = Object.values(message.payload as Record<string, number>)[0] ?? 0;
        return Reason.NONE;
      },
    },
    0x0100,
  );

  /** Host-to-pen bytes, any split. */
  receive(bytes: Uint8Array): void {
    this.link.receive(bytes, 0);
    while (this.link.queueLength > 0) this.link.tick(0);
  }

  /** Queues one frame towards the host, with the pen's transmit counter as seq. */
  send<N extends MessageName>(name: N, payload: Payload<N>): void {
    this.link.send(name, payload);
  }

  /** Encodes one SLIP frame with the pen's transmit counter as seq and hands it back instead of queueing it. */
  frame<N extends MessageName>(name: N, payload: Payload<N>): Uint8Array {
    const queued = this.outbox.length;
    this.link.send(name, payload);
    return this.outbox.splice(queued, 1)[0] as Uint8Array;
  }

  /** Queued frames as one chunk (one serial read), or null when none. */
  takeOutbox(): Uint8Array | null {
    if (this.outbox.length === 0) return null;
    const chunks = this.outbox;
    this.outbox = [];
    return chunks.length === 1 ? (chunks[0] as Uint8Array) : Buffer.concat(chunks);
  }
}

function benchInfo(): Omit<Payload<'INFO'>, 'nextSeq'> {
  return {
    protocolVersion: PROTOCOL_VERSION,
    firmwareMajor: 1,
    firmwareMinor: 0,
    firmwarePatch: 0,
    sku: Sku.HOME,
    serialNumber: 0xbe4c4,
    maxDepthUm: SKU_MAX_DEPTH_UM[Sku.HOME],
    depthStepUm: 50,
    minStrokeHz: 50,
    maxStrokeHz: 150,
    leaseMs: 200,
    cartridgeId: BENCH_CARTRIDGE.id,
    needleCount: BENCH_CARTRIDGE.needleCount,
    batteryPercent: 80,
    batteryMv: 3900,
    configCrc: 0x5a5a,
    state: PenState.IDLE,
    faultCode: 0,
  };
}

/** TELEMETRY of the bench pen at pen time `deviceTickMs`: armed, in contact when `contact`, at `depthUm`. */
export function benchTelemetry(deviceTickMs: number, depthUm: number, contact: boolean): Payload<'TELEMETRY'> {
  return {
    deviceTickMs,
    state: PenState.ARMED,
    faultCode: 0,
    flags:
      (contact ? TelemetryFlag.CONTACT : 0) |
      TelemetryFlag.CARTRIDGE |
      TelemetryFlag.HOMED |
      TelemetryFlag.LEASE_VALID |
      TelemetryFlag.MOTOR_ON,
    commandedDepthUm: depthUm,
    measuredDepthUm: depthUm - (deviceTickMs % 7),
    commandedStrokeHz: 100,
    measuredStrokeHz: 99 + (deviceTickMs % 3),
    strokeCount: Math.floor(deviceTickMs / 10),
    motorCurrentMa: 300,
    batteryMv: 3900,
    batteryPercent: 80,
    cartridgeId: BENCH_CARTRIDGE.id,
    needleCount: BENCH_CARTRIDGE.needleCount,
    lastStopReason: 0,
  };
}
