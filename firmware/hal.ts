// Hardware interface the firmware is written against; sim/ implements it, a real board would too.

/** Device time: the control tick counter since power-on, a u32 that wraps every 2^32 ticks (49.7 days). 1 tick = 1 ms. */
export interface DeviceClock {
  nowTick(): number;
}

/** Cartridge as read from its id chip. */
export interface CartridgeReading {
  readonly id: number; // u32, never 0
  readonly needleCount: number;
}

/**
 * The pen's peripherals. All values are integers in the units their names carry.
 * Depth coordinates are encoder coordinates: 0 is wherever the encoder was last zeroed
 * (the home switch, once homed); positive is needle protrusion.
 */
export interface PenHardware {
  /** Depth actuator position setpoint, um in encoder coordinates; the actuator follows with its own dynamics. */
  setDepthActuatorUm(targetUm: number): void;
  /** Depth encoder reading, um in encoder coordinates (may carry a few um of noise). */
  readDepthEncoderUm(): number;
  /** Makes the encoder read 0 at the axis's present position. */
  zeroDepthEncoder(): void;
  /** True while the axis sits on its home (fully retracted) switch. */
  readHomeSwitch(): boolean;
  /** Motor drive command: stroke rate in Hz, 0 = off. The motor follows with inertia. */
  setMotorStrokeHz(strokeHz: number): void;
  /** Tachometer: cumulative strokes since power-on, monotonic. */
  readStrokeCounter(): number;
  readMotorCurrentMa(): number;
  /** Skin contact sensor at the tip. */
  readSkinContact(): boolean;
  readBatteryMv(): number;
  /** The inserted cartridge, or null. */
  readCartridge(): CartridgeReading | null;
  /** Non-volatile configuration block, as stored (integrity is checked by the firmware). */
  readConfigBlock(): Uint8Array;
  /** UART transmit towards the host. The bytes are valid only during the call (the firmware reuses its buffer). */
  uartWrite(bytes: Uint8Array): void;
}
