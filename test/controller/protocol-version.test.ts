// A pen that answers HELLO with a protocol version the controller does not speak is refused with a reason.
import { describe, expect, it } from 'vitest';
import { createFirmware } from '../../firmware/pen-firmware.js';
import type { CreateFirmware } from '../../firmware/api.js';
import { decodeFrame, encodeFrame, PROTOCOL_VERSION, slipEncode, SlipStreamDecoder } from '../../src/protocol/index.js';
import { HOME_FULL_FACE, simulate } from '../support/session-fixtures.js';

/** The real firmware, except that its INFO claims protocol version `version`. */
function firmwareSpeaking(version: number): CreateFirmware {
  return (hardware, clock) => {
    const rewrite = new SlipStreamDecoder(64, (frame) => {
      const decoded = decodeFrame(frame);
      if (decoded.ok && decoded.message.name === 'INFO') {
        const payload = { ...decoded.message.payload, protocolVersion: version };
        hardware.uartWrite(slipEncode(encodeFrame('INFO', decoded.message.seq, payload)));
      } else {
        hardware.uartWrite(slipEncode(frame));
      }
    });
    const uartWrite = (bytes: Uint8Array): void => rewrite.push(bytes);
    const wrapped = new Proxy(hardware, {
      get: (target, property, receiver) => {
        if (property === 'uartWrite') return uartWrite;
        const value: unknown = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    return createFirmware(wrapped, clock);
  };
}

describe('protocol version', () => {
  it('S8: a pen speaking protocol version 2 is refused with PROTOCOL_VERSION_UNSUPPORTED and never armed', async () => {
    const result = await simulate(HOME_FULL_FACE, {
      seed: 21,
      pen: { createFirmware: firmwareSpeaking(PROTOCOL_VERSION + 1) },
    });
    expect(result.summary.outcome).toBe('refused');
    expect(result.summary.refusals.map((refusal) => refusal.reason)).toContain('PROTOCOL_VERSION_UNSUPPORTED');
    expect(result.maxPhysicalDepthUm).toBe(0);
    expect(result.summary.areas.every((area) => area.strokes === 0)).toBe(true);
  });
});
