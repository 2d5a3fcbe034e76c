// Boot self-test (S17): battery, motor current with the motor off, encoder range and stillness.
import {
  BATTERY_SELF_TEST_MIN_MV,
  SELF_TEST_DURATION_MS,
  SELF_TEST_ENCODER_LIMIT_UM,
  SELF_TEST_ENCODER_SPREAD_UM,
  SELF_TEST_MAX_IDLE_CURRENT_MA,
} from './tuning.js';

/** Which self-test check failed first. */
export const SelfTestCheck = {
  NONE: 0,
  BATTERY: 1, // lowest battery reading below BATTERY_SELF_TEST_MIN_MV
  IDLE_CURRENT: 2, // motor current above SELF_TEST_MAX_IDLE_CURRENT_MA with the motor off
  ENCODER_RANGE: 3, // a reading non-finite or beyond +/- SELF_TEST_ENCODER_LIMIT_UM
  ENCODER_NOISE: 4, // readings spread more than SELF_TEST_ENCODER_SPREAD_UM with the axis still
} as const;
export type SelfTestCheckCode = (typeof SelfTestCheck)[keyof typeof SelfTestCheck];

/**
 * Samples for SELF_TEST_DURATION_MS ticks with the motor off and the axis still, then judges.
 * Allocation-free.
 */
export class SelfTest {
  private samples = 0;
  private minBatteryMv = Infinity;
  private maxCurrentMa = 0;
  private minEncoderUm = Infinity;
  private maxEncoderUm = -Infinity;
  private encoderInvalid = false;

  /** Restarts sampling. */
  begin(): void {
    this.samples = 0;
    this.minBatteryMv = Infinity;
    this.maxCurrentMa = 0;
    this.minEncoderUm = Infinity;
    this.maxEncoderUm = -Infinity;
    this.encoderInvalid = false;
  }

  /** Adds one tick's readings: battery mV, motor current mA, encoder um. */
  sample(batteryMv: number, motorCurrentMa: number, encoderUm: number): void {
    this.samples++;
    this.minBatteryMv = Math.min(this.minBatteryMv, batteryMv);
    this.maxCurrentMa = Math.max(this.maxCurrentMa, motorCurrentMa);
    if (!Number.isFinite(encoderUm)) this.encoderInvalid = true;
    else {
      this.minEncoderUm = Math.min(this.minEncoderUm, encoderUm);
      this.maxEncoderUm = Math.max(this.maxEncoderUm, encoderUm);
    }
  }

  /** True once SELF_TEST_DURATION_MS samples are in. */
  get complete(): boolean {
    return this.samples >= SELF_TEST_DURATION_MS;
  }

  /** The first failed check, or SelfTestCheck.NONE when every check passed (or nothing sampled yet). */
  failedCheck(): SelfTestCheckCode {
    if (this.samples === 0) return SelfTestCheck.NONE;
    if (!(this.minBatteryMv >= BATTERY_SELF_TEST_MIN_MV)) return SelfTestCheck.BATTERY;
    if (!(this.maxCurrentMa <= SELF_TEST_MAX_IDLE_CURRENT_MA)) return SelfTestCheck.IDLE_CURRENT;
    const inRange =
      !this.encoderInvalid &&
      this.minEncoderUm >= -SELF_TEST_ENCODER_LIMIT_UM &&
      this.maxEncoderUm <= SELF_TEST_ENCODER_LIMIT_UM;
    if (!inRange) return SelfTestCheck.ENCODER_RANGE;
    if (this.maxEncoderUm - this.minEncoderUm > SELF_TEST_ENCODER_SPREAD_UM) return SelfTestCheck.ENCODER_NOISE;
    return SelfTestCheck.NONE;
  }
}
