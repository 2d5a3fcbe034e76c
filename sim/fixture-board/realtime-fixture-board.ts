// Runs the emulated bench in real time on an open serial port (one end of a socat pty pair), for an outside Firmata client.
import type { Duplex } from 'node:stream';
import { BenchRig, type BenchRigOptions } from './bench-rig.js';

/** Scheduler period: the rig and pen catch up every this many ms, one 1 ms step at a time. */
export const REALTIME_FIXTURE_PERIOD_MS = 2;

export interface RealtimeFixtureBoardOptions extends BenchRigOptions {
  /** An open port whose other end the Firmata client uses. */
  readonly port: Duplex;
}

export interface RealtimeFixtureBoard {
  readonly rig: BenchRig;
  /** The board's reset button: pins to their reset state, then the version banner (as after power-on). */
  reset(): void;
  /** Stops the clock; the port is left for the caller to close. */
  stop(): void;
}

/**
 * Powers the board on (banner at once, as after a reset; a pty has no DTR line, so a client that
 * missed it asks with REPORT_VERSION and QUERY_FIRMWARE, which the board answers) and steps the rig
 * and the pen in real time. Host bytes are handed to the board as they arrive.
 */
export function startRealtimeFixtureBoard(options: RealtimeFixtureBoardOptions): RealtimeFixtureBoard {
  const rig = new BenchRig(options);
  const { port, pen } = options;
  const onData = (chunk: Buffer): void => rig.board.receive(chunk);
  port.on('data', onData);
  rig.board.powerOn(0);
  const startedAt = performance.now();
  let steppedMs = 0;
  const timer = setInterval(() => {
    const dueMs = Math.floor(performance.now() - startedAt);
    while (steppedMs < dueMs) {
      steppedMs++;
      rig.step(steppedMs);
      pen.step();
      pen.takeTransmitted();
      const output = rig.board.takeOutput();
      if (output !== null) port.write(Buffer.from(output));
    }
  }, REALTIME_FIXTURE_PERIOD_MS);
  return {
    rig,
    reset: () => rig.board.powerOn(steppedMs),
    stop() {
      clearInterval(timer);
      port.off('data', onData);
    },
  };
}
