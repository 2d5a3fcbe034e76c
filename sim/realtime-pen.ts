// Runs a simulated pen in real time on an already opened serial port (e.g. one end of a pty pair): the desktop simulator.
import type { Duplex } from 'node:stream';
import { encodeConfigBlock } from '../firmware/config.js';
import { createFirmware } from '../firmware/pen-firmware.js';
import { LEASE_MS } from '../src/limits/index.js';
import type { SkuCode } from '../src/protocol/index.js';
import { createOperatorScript, OperatorRunner, type OperatorArea, type OperatorScriptOptions } from './operator.js';
import { SimulatedPen } from './simulated-pen.js';

/** Real-time scheduler period: the pen catches up every this many ms, one 1 ms step at a time. */
export const REALTIME_PERIOD_MS = 2;

export interface RealtimePenOptions {
  /** An open port whose other end the host uses. */
  readonly port: Duplex;
  readonly sku: SkuCode;
  readonly seed: number;
  readonly serialNumber?: number;
  readonly cartridge?: { readonly id: number; readonly needleCount: number };
  /** A scripted operator working these areas once the drive runs (it waits while the motor is off). */
  readonly operatorAreas?: readonly OperatorArea[];
  /** Operator timing overrides (glide, lift-off, area change ranges). */
  readonly operatorTiming?: Omit<OperatorScriptOptions, 'seed' | 'areas'>;
}

export interface RealtimePen {
  readonly pen: SimulatedPen;
  /** Stops the clock; the port is left for the caller to close. */
  stop(): void;
  /** The host's port went away: the pen runs on, its transmissions are lost until `attach`. */
  detach(): void;
  /** A (re)opened port to the host. */
  attach(port: Duplex): void;
}

/**
 * Boots the pen and steps it in real time: every REALTIME_PERIOD_MS it runs the 1 ms steps that
 * are due, writes what the firmware transmitted to the port, and feeds received bytes to the
 * firmware's UART as they arrive.
 */
export function startRealtimePen(options: RealtimePenOptions): RealtimePen {
  const pen = new SimulatedPen({
    seed: options.seed,
    configBlock: encodeConfigBlock({
      sku: options.sku,
      serialNumber: options.serialNumber ?? options.seed,
      leaseMs: LEASE_MS,
    }),
    createFirmware,
    ...(options.cartridge ? { cartridge: options.cartridge } : {}),
  });
  let port: Duplex | null = options.port;
  const onData = (chunk: Buffer): void => pen.deliverToPen(chunk);
  port.on('data', onData);
  let operator: OperatorRunner | null = null;
  if (options.operatorAreas !== undefined) {
    const script = createOperatorScript({
      ...options.operatorTiming,
      seed: options.seed,
      areas: options.operatorAreas,
    });
    operator = new OperatorRunner(script, pen.hardware.skin, () => {}, {
      isReady: () => pen.hardware.motor.commandHz > 0,
    });
  }
  const startedAt = performance.now();
  let steppedMs = 0;
  const timer = setInterval(() => {
    const dueMs = Math.floor(performance.now() - startedAt);
    while (steppedMs < dueMs) {
      steppedMs++;
      if (operator !== null) {
        if (!operator.isStarted && pen.hardware.motor.commandHz > 0) operator.start(steppedMs);
        if (operator.isStarted) operator.update(steppedMs);
      }
      pen.step();
      const transmitted = pen.takeTransmitted();
      if (transmitted !== null && port !== null && port.writable) port.write(Buffer.from(transmitted));
    }
  }, REALTIME_PERIOD_MS);
  return {
    pen,
    stop() {
      clearInterval(timer);
      port?.off('data', onData);
    },
    detach() {
      port?.off('data', onData);
      port = null;
    },
    attach(next) {
      port?.off('data', onData);
      port = next;
      next.on('data', onData);
    },
  };
}
