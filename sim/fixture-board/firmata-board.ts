// An emulated StandardFirmata 2.5 board (Arduino Uno): parses host bytes, keeps pin state, reports inputs.
import {
  DEFAULT_SAMPLING_INTERVAL_MS,
  FIRMATA_PROTOCOL_VERSION,
  FirmataCommand as C,
  FirmataSysex as X,
  MAX_SYSEX_DATA_BYTES,
  MINIMUM_SAMPLING_INTERVAL_MS,
  PinMode,
  pushSeptets,
  readSeptets,
  SERVO_DEFAULT_MAX_PULSE_US,
  SERVO_DEFAULT_MIN_PULSE_US,
  STANDARD_FIRMATA_NAME,
  STANDARD_FIRMATA_VERSION,
} from './firmata-protocol.js';
import {
  analogChannelOf,
  isDigitalPin,
  pinSupports,
  UNO_ANALOG_CHANNELS,
  UNO_FIRST_ANALOG_PIN,
  UNO_PIN_COUNT,
  unoPinCapabilities,
} from './uno-pins.js';

/** What the board's input pins are wired to. */
export interface BoardInputs {
  /** Level a digital input reads (true = HIGH); `pullUp` says whether the board's pull-up resistor is on. */
  digitalInput(pin: number, pullUp: boolean): boolean;
  /** ADC reading of an analog channel, counts (clamped to 0..1023 by the board). */
  analogInput(channel: number): number;
}

interface PinState {
  mode: number;
  /** The pin's output latch: the driven level for OUTPUT, the pull-up for INPUT. */
  high: boolean;
  /** Firmata's pin state: written value (OUTPUT, PWM, SERVO) or pull-up (INPUT). */
  state: number;
  servoAttached: boolean;
  servoMinUs: number;
  servoMaxUs: number;
  /** Pulse width the servo output sends, us. */
  servoPulseUs: number;
}

const ADC_MAX = 1023;
/** Pulse an Arduino Servo sends right after attach(), us. */
const SERVO_ATTACH_PULSE_US = 1500;
const PORT_COUNT = Math.ceil(UNO_PIN_COUNT / 8);
const twoByte = (first: number, second: number): number => (first & 0x7f) | ((second & 0x7f) << 7);

/**
 * StandardFirmata as the host sees it: REPORT_VERSION and QUERY_FIRMWARE (both: firmata-io waits for
 * both), capability, analog-mapping and pin-state queries, SET_PIN_MODE, digital messages and port
 * reporting, analog reporting every sampling interval, servo config and writes (degrees below 544,
 * else microseconds), EXTENDED_ANALOG, SYSTEM_RESET. An unknown sysex is ignored and an unsupported
 * pin mode answered with the string "Unknown pin mode", as StandardFirmata does. Time comes from step().
 */
export class FirmataBoard {
  private readonly pins: PinState[] = [];
  private readonly reportPorts = new Array<boolean>(PORT_COUNT).fill(false);
  private readonly previousPortBits = new Array<number>(PORT_COUNT).fill(0);
  private analogReportMask = 0;
  private samplingIntervalMs = DEFAULT_SAMPLING_INTERVAL_MS;
  private lastSampleMs = 0;
  private nowMs = 0;
  private resetting = false;
  private outbox: number[] = [];
  private command = 0;
  private data: number[] = [];
  private waitForData = 0;
  private sysex: number[] | null = null;
  private bannerAtMs: number | null = null;
  /** Sysex commands received that StandardFirmata does not handle (ignored). */
  ignoredSysexCount = 0;

  constructor(private readonly inputs: BoardInputs) {
    for (let pin = 0; pin < UNO_PIN_COUNT; pin++) {
      this.pins.push({
        mode: PinMode.OUTPUT,
        high: false,
        state: 0,
        servoAttached: false,
        servoMinUs: SERVO_DEFAULT_MIN_PULSE_US,
        servoMaxUs: SERVO_DEFAULT_MAX_PULSE_US,
        servoPulseUs: SERVO_ATTACH_PULSE_US,
      });
    }
    this.systemReset();
  }

  /** Power-on or DTR reset at `nowMs`: pins to their reset state; the version banner goes out after `bootDelayMs`. */
  powerOn(nowMs: number, bootDelayMs = 0): void {
    this.nowMs = nowMs;
    this.lastSampleMs = nowMs;
    this.parserReset();
    this.outbox = [];
    this.samplingIntervalMs = DEFAULT_SAMPLING_INTERVAL_MS;
    for (const pin of this.pins) pin.high = false;
    this.systemReset();
    this.bannerAtMs = nowMs + bootDelayMs;
  }

  /** Host bytes (any split). Processed at once, in order. */
  receive(bytes: Uint8Array): void {
    for (const byte of bytes) this.parse(byte);
  }

  /** Advances to `nowMs`: the boot banner when due, digital input changes, analog reports every sampling interval. */
  step(nowMs: number): void {
    this.nowMs = nowMs;
    if (this.bannerAtMs !== null && nowMs >= this.bannerAtMs) {
      this.bannerAtMs = null;
      this.printVersion();
      this.printFirmware();
    }
    for (let port = 0; port < PORT_COUNT; port++) if (this.reportPorts[port]) this.outputPort(port, false);
    if (nowMs - this.lastSampleMs >= this.samplingIntervalMs) {
      this.lastSampleMs = nowMs;
      for (let channel = 0; channel < UNO_ANALOG_CHANNELS; channel++) {
        const pin = this.pins[UNO_FIRST_ANALOG_PIN + channel] as PinState;
        if ((this.analogReportMask & (1 << channel)) !== 0 && pin.mode === PinMode.ANALOG) this.sendAnalog(channel);
      }
    }
  }

  /** Bytes for the host since the last call, or null when none. */
  takeOutput(): Uint8Array | null {
    if (this.outbox.length === 0) return null;
    const bytes = Uint8Array.from(this.outbox);
    this.outbox = [];
    return bytes;
  }

  /** Firmata mode of a pin (PinMode). */
  modeOf(pin: number): number {
    return this.pin(pin).mode;
  }

  /** True when `pin` is an OUTPUT driven HIGH. */
  isOutputHigh(pin: number): boolean {
    const state = this.pin(pin);
    return state.mode === PinMode.OUTPUT && state.high;
  }

  /** Pulse width a servo pin is sending, us; null when no servo is attached there. */
  servoPulseUs(pin: number): number | null {
    const state = this.pin(pin);
    return state.mode === PinMode.SERVO && state.servoAttached ? state.servoPulseUs : null;
  }

  /** The analog sampling interval in force, ms. */
  get samplingInterval(): number {
    return this.samplingIntervalMs;
  }

  private pin(pin: number): PinState {
    const state = this.pins[pin];
    if (state === undefined) throw new RangeError(`pin ${pin} outside 0..${UNO_PIN_COUNT - 1}`);
    return state;
  }

  private parserReset(): void {
    this.waitForData = 0;
    this.data = [];
    this.sysex = null;
  }

  private parse(byte: number): void {
    if (this.sysex !== null) {
      if (byte === C.END_SYSEX) {
        const message = this.sysex;
        this.sysex = null;
        this.handleSysex(message);
      } else if (this.sysex.length < MAX_SYSEX_DATA_BYTES) this.sysex.push(byte);
      return;
    }
    if (this.waitForData > 0 && byte < 0x80) {
      this.data.push(byte);
      if (--this.waitForData === 0) this.handleMessage(this.command, this.data[0] ?? 0, this.data[1] ?? 0);
      return;
    }
    this.waitForData = 0;
    this.data = [];
    const command = byte < 0xf0 ? byte & 0xf0 : byte;
    this.command = byte;
    if (
      command === C.DIGITAL_MESSAGE ||
      command === C.ANALOG_MESSAGE ||
      command === C.SET_PIN_MODE ||
      command === C.SET_DIGITAL_PIN_VALUE
    ) {
      this.waitForData = 2;
    } else if (command === C.REPORT_ANALOG || command === C.REPORT_DIGITAL) {
      this.waitForData = 1;
    } else if (command === C.START_SYSEX) {
      this.sysex = [];
    } else if (command === C.SYSTEM_RESET) {
      for (const pin of this.pins) pin.high = false;
      this.systemReset();
    } else if (command === C.REPORT_VERSION) {
      this.printVersion();
    }
  }

  private handleMessage(commandByte: number, first: number, second: number): void {
    const command = commandByte < 0xf0 ? commandByte & 0xf0 : commandByte;
    const low = commandByte & 0x0f;
    switch (command) {
      case C.DIGITAL_MESSAGE:
        return this.writeDigitalPort(low, twoByte(first, second));
      case C.ANALOG_MESSAGE:
        return this.analogWrite(low, twoByte(first, second));
      case C.SET_PIN_MODE:
        return this.setPinMode(first, second);
      case C.SET_DIGITAL_PIN_VALUE:
        if (first < UNO_PIN_COUNT && isDigitalPin(first) && this.pin(first).mode === PinMode.OUTPUT) {
          this.pin(first).high = second !== 0;
          this.pin(first).state = second !== 0 ? 1 : 0;
        }
        return;
      case C.REPORT_ANALOG:
        return this.reportAnalog(low, first !== 0);
      case C.REPORT_DIGITAL:
        if (low < PORT_COUNT) {
          this.reportPorts[low] = first !== 0;
          if (first !== 0) this.outputPort(low, true);
        }
        return;
    }
  }

  private handleSysex(message: readonly number[]): void {
    const [id, ...argv] = message;
    switch (id) {
      case X.QUERY_FIRMWARE:
        return this.printFirmware();
      case X.CAPABILITY_QUERY:
        return this.printCapabilities();
      case X.ANALOG_MAPPING_QUERY: {
        this.outbox.push(C.START_SYSEX, X.ANALOG_MAPPING_RESPONSE);
        for (let pin = 0; pin < UNO_PIN_COUNT; pin++) this.outbox.push(analogChannelOf(pin) ?? 0x7f);
        this.outbox.push(C.END_SYSEX);
        return;
      }
      case X.PIN_STATE_QUERY: {
        const pin = argv[0];
        if (pin === undefined || pin >= UNO_PIN_COUNT) return;
        const { mode, state } = this.pin(pin);
        this.outbox.push(C.START_SYSEX, X.PIN_STATE_RESPONSE, pin, mode, state & 0x7f);
        if (state & 0xff80) this.outbox.push((state >> 7) & 0x7f);
        if (state & 0xc000) this.outbox.push((state >> 14) & 0x7f);
        this.outbox.push(C.END_SYSEX);
        return;
      }
      case X.SERVO_CONFIG: {
        if (argv.length < 5) return;
        const pin = argv[0] as number;
        if (pin >= UNO_PIN_COUNT || !isDigitalPin(pin)) return;
        const state = this.pin(pin);
        state.servoMinUs = readSeptets(argv, 1, 2);
        state.servoMaxUs = readSeptets(argv, 3, 2);
        state.servoAttached = true;
        state.servoPulseUs = SERVO_ATTACH_PULSE_US;
        this.setPinMode(pin, PinMode.SERVO);
        return;
      }
      case X.SAMPLING_INTERVAL:
        if (argv.length < 2) return this.sendString('Not enough data');
        this.samplingIntervalMs = Math.max(MINIMUM_SAMPLING_INTERVAL_MS, readSeptets(argv, 0, 2));
        return;
      case X.EXTENDED_ANALOG:
        if (argv.length < 2) return;
        return this.analogWrite(argv[0] as number, readSeptets(argv, 1, Math.min(4, argv.length - 1)));
      default:
        this.ignoredSysexCount++;
    }
  }

  private setPinMode(pin: number, mode: number): void {
    if (pin >= UNO_PIN_COUNT) return;
    const state = this.pin(pin);
    if (mode !== PinMode.SERVO) state.servoAttached = false;
    const channel = analogChannelOf(pin);
    if (channel !== null) this.reportAnalog(channel, mode === PinMode.ANALOG);
    state.state = 0;
    const digital = isDigitalPin(pin);
    switch (mode) {
      case PinMode.ANALOG:
        if (channel === null) return;
        state.high = false;
        state.mode = PinMode.ANALOG;
        return;
      case PinMode.INPUT:
        if (!digital) return;
        state.high = false;
        state.mode = PinMode.INPUT;
        return;
      case PinMode.PULLUP:
        if (!digital) return;
        state.high = true;
        state.state = 1;
        state.mode = PinMode.PULLUP;
        return;
      case PinMode.OUTPUT:
        if (!digital) return;
        if (state.mode === PinMode.PWM) state.high = false;
        state.mode = PinMode.OUTPUT;
        return;
      case PinMode.PWM:
        if (!pinSupports(pin, PinMode.PWM)) return;
        state.mode = PinMode.PWM;
        return;
      case PinMode.SERVO:
        if (!digital) return;
        state.mode = PinMode.SERVO;
        if (!state.servoAttached) {
          state.servoAttached = true;
          state.servoMinUs = SERVO_DEFAULT_MIN_PULSE_US;
          state.servoMaxUs = SERVO_DEFAULT_MAX_PULSE_US;
          state.servoPulseUs = SERVO_ATTACH_PULSE_US;
        }
        return;
      case PinMode.I2C:
        if (pinSupports(pin, PinMode.I2C)) state.mode = PinMode.I2C;
        return;
      default:
        this.sendString('Unknown pin mode');
    }
  }

  private writeDigitalPort(port: number, value: number): void {
    for (let bit = 0; bit < 8; bit++) {
      const pin = port * 8 + bit;
      if (pin >= UNO_PIN_COUNT || !isDigitalPin(pin)) continue;
      const state = this.pin(pin);
      const high = (value & (1 << bit)) !== 0;
      if (state.mode === PinMode.OUTPUT) {
        state.high = high;
        state.state = high ? 1 : 0;
      } else if (state.mode === PinMode.INPUT && high) {
        // NOTE: StandardFirmata's legacy pull-up: writing HIGH to an INPUT pin turns its pull-up on.
        state.high = true;
        state.state = 1;
      }
    }
  }

  private analogWrite(pin: number, value: number): void {
    if (pin >= UNO_PIN_COUNT) return;
    const state = this.pin(pin);
    if (state.mode === PinMode.SERVO && state.servoAttached) {
      const pulseUs =
        value < SERVO_DEFAULT_MIN_PULSE_US
          ? state.servoMinUs + Math.trunc((Math.min(180, value) * (state.servoMaxUs - state.servoMinUs)) / 180)
          : value;
      state.servoPulseUs = Math.max(state.servoMinUs, Math.min(state.servoMaxUs, pulseUs));
      state.state = value;
    } else if (state.mode === PinMode.PWM) {
      state.state = value;
    }
  }

  private reportAnalog(channel: number, enable: boolean): void {
    if (channel >= UNO_ANALOG_CHANNELS) return;
    if (!enable) {
      this.analogReportMask &= ~(1 << channel);
      return;
    }
    this.analogReportMask |= 1 << channel;
    if (!this.resetting) this.sendAnalog(channel);
  }

  private systemReset(): void {
    this.resetting = true;
    this.reportPorts.fill(false);
    this.previousPortBits.fill(0);
    for (let pin = 0; pin < UNO_PIN_COUNT; pin++) {
      if (analogChannelOf(pin) !== null) this.setPinMode(pin, PinMode.ANALOG);
      else if (isDigitalPin(pin)) this.setPinMode(pin, PinMode.OUTPUT);
    }
    this.analogReportMask = 0;
    this.resetting = false;
  }

  private outputPort(port: number, force: boolean): void {
    let bits = 0;
    for (let bit = 0; bit < 8; bit++) {
      const pin = port * 8 + bit;
      if (pin >= UNO_PIN_COUNT || !isDigitalPin(pin)) continue;
      const state = this.pin(pin);
      if (state.mode !== PinMode.INPUT && state.mode !== PinMode.PULLUP) continue;
      if (this.inputs.digitalInput(pin, state.high)) bits |= 1 << bit;
    }
    if (!force && bits === this.previousPortBits[port]) return;
    this.previousPortBits[port] = bits;
    this.outbox.push(C.DIGITAL_MESSAGE | port, bits & 0x7f, (bits >> 7) & 0x7f);
  }

  private sendAnalog(channel: number): void {
    const raw = Math.round(this.inputs.analogInput(channel));
    const counts = Number.isFinite(raw) ? Math.max(0, Math.min(ADC_MAX, raw)) : 0;
    this.outbox.push(C.ANALOG_MESSAGE | channel, counts & 0x7f, (counts >> 7) & 0x7f);
  }

  private printVersion(): void {
    this.outbox.push(C.REPORT_VERSION, FIRMATA_PROTOCOL_VERSION.major, FIRMATA_PROTOCOL_VERSION.minor);
  }

  private printFirmware(): void {
    this.outbox.push(C.START_SYSEX, X.QUERY_FIRMWARE, STANDARD_FIRMATA_VERSION.major, STANDARD_FIRMATA_VERSION.minor);
    for (const char of Buffer.from(STANDARD_FIRMATA_NAME, 'ascii')) pushSeptets(this.outbox, char, 2);
    this.outbox.push(C.END_SYSEX);
  }

  private printCapabilities(): void {
    this.outbox.push(C.START_SYSEX, X.CAPABILITY_RESPONSE);
    for (let pin = 0; pin < UNO_PIN_COUNT; pin++) {
      for (const cap of unoPinCapabilities(pin)) this.outbox.push(cap.mode, cap.resolutionBits);
      this.outbox.push(0x7f);
    }
    this.outbox.push(C.END_SYSEX);
  }

  private sendString(text: string): void {
    this.outbox.push(C.START_SYSEX, X.STRING_DATA);
    for (const char of Buffer.from(text, 'utf8')) pushSeptets(this.outbox, char, 2);
    this.outbox.push(C.END_SYSEX);
  }
}
