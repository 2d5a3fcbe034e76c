// The emulated StandardFirmata board byte for byte, and with firmata-io as its client.
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { FirmataBoard, type BoardInputs } from './firmata-board.js';
import { PinMode } from './firmata-protocol.js';

const inputs = (overrides: Partial<BoardInputs> = {}): BoardInputs => ({
  digitalInput: (_pin, pullUp) => pullUp,
  analogInput: (channel) => 100 + channel,
  ...overrides,
});

function booted(boardInputs = inputs()): FirmataBoard {
  const board = new FirmataBoard(boardInputs);
  board.powerOn(0);
  board.step(0);
  board.takeOutput();
  return board;
}

const send = (board: FirmataBoard, ...bytes: number[]): number[] => {
  board.receive(Uint8Array.from(bytes));
  return [...(board.takeOutput() ?? [])];
};

const FIRMWARE_NAME_SEPTETS = [...Buffer.from('StandardFirmata.ino')].flatMap((char) => [char, 0]);

describe('emulated StandardFirmata board', () => {
  it('sends REPORT_VERSION then the firmware name at power-on, after the boot delay', () => {
    const board = new FirmataBoard(inputs());
    board.powerOn(10, 50);
    board.step(59);
    expect(board.takeOutput()).toBeNull();
    board.step(60);
    expect([...(board.takeOutput() ?? [])]).toEqual([0xf9, 2, 5, 0xf0, 0x79, 2, 5, ...FIRMWARE_NAME_SEPTETS, 0xf7]);
  });

  it('answers REPORT_VERSION and QUERY_FIRMWARE, whatever the read split', () => {
    const board = booted();
    expect(send(board, 0xf9)).toEqual([0xf9, 2, 5]);
    board.receive(Uint8Array.of(0xf0));
    board.receive(Uint8Array.of(0x79));
    expect(send(board, 0xf7)).toEqual([0xf0, 0x79, 2, 5, ...FIRMWARE_NAME_SEPTETS, 0xf7]);
  });

  it('describes an Uno: capabilities per pin (PWM on 3, ADC on A0) and the analog mapping', () => {
    const board = booted();
    const caps = send(board, 0xf0, 0x6b, 0xf7);
    expect(caps.slice(0, 2)).toEqual([0xf0, 0x6c]);
    const pins: string[] = [];
    let current: number[] = [];
    for (const byte of caps.slice(2, -1)) {
      if (byte === 0x7f) {
        pins.push(current.join(','));
        current = [];
      } else current.push(byte);
    }
    expect(pins).toHaveLength(20);
    expect(pins[0]).toBe('');
    expect(pins[3]).toBe('0,1,1,1,3,8,4,14,11,1');
    expect(pins[14]).toBe('0,1,1,1,2,10,4,14,11,1');
    expect(pins[18]).toContain('6,1');
    const mapping = send(board, 0xf0, 0x69, 0xf7);
    expect(mapping).toEqual([0xf0, 0x6a, ...Array(14).fill(0x7f), 0, 1, 2, 3, 4, 5, 0xf7]);
  });

  it('reports a digital port at once when asked, then only on change, for input pins only', () => {
    let level = true;
    const board = booted(inputs({ digitalInput: (pin, pullUp) => (pin === 2 ? level : pullUp) }));
    expect(send(board, 0xf4, 2, PinMode.INPUT)).toEqual([]);
    expect(send(board, 0xd0, 1)).toEqual([0x90, 0b100, 0]);
    board.step(1);
    expect(board.takeOutput()).toBeNull();
    level = false;
    board.step(2);
    expect([...(board.takeOutput() ?? [])]).toEqual([0x90, 0, 0]);
  });

  it('turns an INPUT pin pull-up on when the host writes it HIGH (legacy), and in PULLUP mode', () => {
    const seen: boolean[] = [];
    const board = booted(inputs({ digitalInput: (_pin, pullUp) => (seen.push(pullUp), pullUp) }));
    send(board, 0xf4, 2, PinMode.INPUT, 0xd0, 1);
    send(board, 0x90, 0b100, 0);
    send(board, 0xf4, 3, PinMode.PULLUP);
    board.step(1);
    board.takeOutput();
    expect(seen.slice(0, 1)).toEqual([false]);
    expect(seen.slice(-2)).toEqual([true, true]);
    expect(send(board, 0xf0, 0x6d, 3, 0xf7)).toEqual([0xf0, 0x6e, 3, PinMode.PULLUP, 1, 0xf7]);
  });

  it('drives OUTPUT pins from digital messages and SET_DIGITAL_PIN_VALUE', () => {
    const board = booted();
    expect(board.isOutputHigh(7)).toBe(false);
    send(board, 0x90, 0, 1);
    expect(board.isOutputHigh(7)).toBe(true);
    send(board, 0xf5, 13, 1);
    expect(board.isOutputHigh(13)).toBe(true);
    send(board, 0x91, 0, 0);
    expect(board.isOutputHigh(13)).toBe(false);
  });

  it('reports an analog channel when enabled and then every sampling interval', () => {
    let counts = 500;
    const board = booted(inputs({ analogInput: () => counts }));
    expect(send(board, 0xc0, 1)).toEqual([0xe0, 500 & 0x7f, 500 >> 7]);
    send(board, 0xf0, 0x7a, 10, 0, 0xf7);
    expect(board.samplingInterval).toBe(10);
    counts = 2000;
    const reports: number[][] = [];
    for (let ms = 1; ms <= 30; ms++) {
      board.step(ms);
      const out = board.takeOutput();
      if (out) reports.push([ms, ...out]);
    }
    expect(reports).toEqual([
      [10, 0xe0, 1023 & 0x7f, 1023 >> 7],
      [20, 0xe0, 0x7f, 7],
      [30, 0xe0, 0x7f, 7],
    ]);
    send(board, 0xc0, 0);
    board.step(40);
    expect(board.takeOutput()).toBeNull();
  });

  it('attaches servos with their pulse range; writes below 544 are degrees, others microseconds', () => {
    const board = booted();
    expect(board.servoPulseUs(9)).toBeNull();
    send(board, 0xf0, 0x70, 9, 500 & 0x7f, 500 >> 7, 2500 & 0x7f, 2500 >> 7, 0xf7);
    expect(board.modeOf(9)).toBe(PinMode.SERVO);
    expect(board.servoPulseUs(9)).toBe(1500);
    send(board, 0xe9, 90, 0);
    expect(board.servoPulseUs(9)).toBe(1500);
    send(board, 0xe9, 1800 & 0x7f, 1800 >> 7);
    expect(board.servoPulseUs(9)).toBe(1800);
    send(board, 0xe9, 3000 & 0x7f, 3000 >> 7);
    expect(board.servoPulseUs(9)).toBe(2500);
    send(board, 0xf0, 0x6f, 9, 600 & 0x7f, 600 >> 7, 0xf7);
    expect(board.servoPulseUs(9)).toBe(600);
    send(board, 0xf4, 9, PinMode.OUTPUT);
    expect(board.servoPulseUs(9)).toBeNull();
  });

  it('attaches a servo with the Arduino default range (544-2400 us) on SET_PIN_MODE SERVO', () => {
    const board = booted();
    send(board, 0xf4, 10, PinMode.SERVO, 0xea, 90, 0);
    expect(board.servoPulseUs(10)).toBe(544 + Math.trunc((90 * (2400 - 544)) / 180));
  });

  it('ignores unknown sysex, answers an unknown pin mode with a string, resyncs after garbage', () => {
    const board = booted();
    expect(send(board, 0xf0, 0x01, 1, 2, 3, 0xf7)).toEqual([]);
    expect(board.ignoredSysexCount).toBe(1);
    const text = send(board, 0xf4, 2, 0x7e);
    expect(text.slice(0, 2)).toEqual([0xf0, 0x71]);
    expect(
      Buffer.from(text.slice(2, -1).filter((_b, i) => i % 2 === 0))
        .toString()
        .trim(),
    ).toBe('Unknown pin mode');
    expect(send(board, 0x12, 0x34, 0xf4, 0x05, 0xf9)).toEqual([0xf9, 2, 5]);
  });

  it('SYSTEM_RESET puts every pin back: outputs LOW, reporting off, analog pins ANALOG', () => {
    const board = booted();
    send(board, 0x90, 0xff, 0x7f, 0xc0, 1, 0xf4, 14, PinMode.OUTPUT);
    send(board, 0xff);
    expect(board.isOutputHigh(7)).toBe(false);
    expect(board.modeOf(14)).toBe(PinMode.ANALOG);
    for (let ms = 1; ms < 100; ms++) board.step(ms);
    expect(board.takeOutput()).toBeNull();
  });
});

/** The part of firmata-io's Firmata the test uses (the package ships no types). */
interface FirmataClient extends EventEmitter {
  isReady: boolean;
  pins: { supportedModes: number[]; analogChannel: number }[];
  analogPins: number[];
  firmware: { name: string; version: { major: number; minor: number } };
  RESOLUTION: { ADC: number };
  analogRead(pin: number, callback: (value: number) => void): void;
}
const { Firmata } = createRequire(import.meta.url)('firmata-io') as {
  Firmata: new (transport: EventEmitter, options: Record<string, unknown>) => FirmataClient;
};

describe('emulated board with firmata-io as the client', () => {
  it('firmata-io becomes ready, sees 20 pins with A0-A5 at 14-19 and reads A0', async () => {
    const board = new FirmataBoard(inputs({ analogInput: () => 321 }));
    const transport = new (class extends EventEmitter {
      write(data: Buffer, callback?: () => void): boolean {
        board.receive(data);
        callback?.();
        return true;
      }
    })();
    const client = new Firmata(transport, { reportVersionTimeout: 60_000 });
    board.powerOn(0);
    const values: number[] = [];
    for (let ms = 0; ms < 100; ms++) {
      board.step(ms);
      const out = board.takeOutput();
      if (out) transport.emit('data', Buffer.from(out));
      if (ms === 10) client.analogRead(0, (value) => values.push(value));
      await Promise.resolve();
    }
    expect(client.isReady).toBe(true);
    expect(client.firmware).toEqual({ name: 'StandardFirmata.ino', version: { major: 2, minor: 5 } });
    expect(client.pins).toHaveLength(20);
    expect(client.analogPins).toEqual([14, 15, 16, 17, 18, 19]);
    expect(client.RESOLUTION.ADC).toBe(1023);
    expect(values.length).toBeGreaterThanOrEqual(4);
    expect(new Set(values)).toEqual(new Set([321]));
  });
});
