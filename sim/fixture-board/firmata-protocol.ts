// Firmata 2.5 wire bytes and pin modes as StandardFirmata speaks them (MIDI-style messages and sysex).

/** Message command bytes (the low nibble of the first six carries a port, pin or channel). */
export const FirmataCommand = {
  DIGITAL_MESSAGE: 0x90,
  ANALOG_MESSAGE: 0xe0,
  REPORT_ANALOG: 0xc0,
  REPORT_DIGITAL: 0xd0,
  SET_PIN_MODE: 0xf4,
  SET_DIGITAL_PIN_VALUE: 0xf5,
  REPORT_VERSION: 0xf9,
  SYSTEM_RESET: 0xff,
  START_SYSEX: 0xf0,
  END_SYSEX: 0xf7,
} as const;

/** Sysex command ids (the byte after START_SYSEX). */
export const FirmataSysex = {
  SERVO_CONFIG: 0x70,
  STRING_DATA: 0x71,
  ANALOG_MAPPING_QUERY: 0x69,
  ANALOG_MAPPING_RESPONSE: 0x6a,
  CAPABILITY_QUERY: 0x6b,
  CAPABILITY_RESPONSE: 0x6c,
  PIN_STATE_QUERY: 0x6d,
  PIN_STATE_RESPONSE: 0x6e,
  EXTENDED_ANALOG: 0x6f,
  QUERY_FIRMWARE: 0x79,
  SAMPLING_INTERVAL: 0x7a,
} as const;

/** Pin modes (SET_PIN_MODE and the capability response). */
export const PinMode = {
  INPUT: 0x00,
  OUTPUT: 0x01,
  ANALOG: 0x02,
  PWM: 0x03,
  SERVO: 0x04,
  I2C: 0x06,
  PULLUP: 0x0b,
} as const;
export type PinModeCode = (typeof PinMode)[keyof typeof PinMode];

/** Firmata protocol version StandardFirmata 2.5 reports (REPORT_VERSION), and its firmware name and version. */
export const FIRMATA_PROTOCOL_VERSION = { major: 2, minor: 5 } as const;
export const STANDARD_FIRMATA_NAME = 'StandardFirmata.ino';
export const STANDARD_FIRMATA_VERSION = { major: 2, minor: 5 } as const;

/** StandardFirmata's defaults: analog sampling interval and its lower bound, ms; longest sysex it stores, bytes. */
export const DEFAULT_SAMPLING_INTERVAL_MS = 19;
export const MINIMUM_SAMPLING_INTERVAL_MS = 1;
export const MAX_SYSEX_DATA_BYTES = 64;

/** Arduino Servo library pulse limits (attach() without a range, and below which write() takes degrees), us. */
export const SERVO_DEFAULT_MIN_PULSE_US = 544;
export const SERVO_DEFAULT_MAX_PULSE_US = 2400;

/** Appends `value` as 7-bit groups, least significant first (`count` groups). */
export function pushSeptets(out: number[], value: number, count: number): void {
  for (let i = 0; i < count; i++) out.push(Math.floor(value / 2 ** (7 * i)) & 0x7f);
}

/** Reads a little-endian number made of 7-bit groups. */
export function readSeptets(data: readonly number[], offset: number, count: number): number {
  let value = 0;
  for (let i = count - 1; i >= 0; i--) value = value * 128 + ((data[offset + i] ?? 0) & 0x7f);
  return value;
}
