// The pins of an Arduino Uno as StandardFirmata describes them: 20 pins, D0-D13 then A0-A5 (pins 14-19).
import { PinMode, type PinModeCode } from './firmata-protocol.js';

/** One mode a pin supports and its resolution in bits (as the capability response carries it). */
export interface PinCapability {
  readonly mode: PinModeCode;
  readonly resolutionBits: number;
}

export const UNO_PIN_COUNT = 20;
/** First pin of the analog header: A0 is pin 14. */
export const UNO_FIRST_ANALOG_PIN = 14;
export const UNO_ANALOG_CHANNELS = 6;
/** ADC resolution, bits (0-1023 counts). */
export const UNO_ADC_BITS = 10;
const PWM_PINS = new Set([3, 5, 6, 9, 10, 11]);
const I2C_PINS = new Set([18, 19]);

/** True for pins StandardFirmata drives as digital I/O (D0/D1 are the serial port to the host). */
export function isDigitalPin(pin: number): boolean {
  return pin >= 2 && pin < UNO_PIN_COUNT;
}

/** Analog channel of a pin, or null when it has none. */
export function analogChannelOf(pin: number): number | null {
  return pin >= UNO_FIRST_ANALOG_PIN && pin < UNO_PIN_COUNT ? pin - UNO_FIRST_ANALOG_PIN : null;
}

/** The capabilities of `pin` as StandardFirmata 2.5 reports them on an Uno. */
export function unoPinCapabilities(pin: number): readonly PinCapability[] {
  if (!isDigitalPin(pin)) return [];
  const caps: PinCapability[] = [
    { mode: PinMode.INPUT, resolutionBits: 1 },
    { mode: PinMode.OUTPUT, resolutionBits: 1 },
  ];
  if (analogChannelOf(pin) !== null) caps.push({ mode: PinMode.ANALOG, resolutionBits: UNO_ADC_BITS });
  if (PWM_PINS.has(pin)) caps.push({ mode: PinMode.PWM, resolutionBits: 8 });
  caps.push({ mode: PinMode.SERVO, resolutionBits: 14 });
  if (I2C_PINS.has(pin)) caps.push({ mode: PinMode.I2C, resolutionBits: 1 });
  caps.push({ mode: PinMode.PULLUP, resolutionBits: 1 });
  return caps;
}

/** True when `pin` supports `mode`. */
export function pinSupports(pin: number, mode: number): boolean {
  return unoPinCapabilities(pin).some((cap) => cap.mode === mode);
}
