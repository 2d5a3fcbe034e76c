// Safe start (S17): configuration check, self-test and homing, with the HOME and RESET_FAULT commands that re-enter them.
import { LEASE_MS } from '../src/limits/index.js';
import { Fault, PenState, Reason, SKU_MAX_DEPTH_UM, Sku } from '../src/protocol/index.js';
import type { PenConfig } from './api.js';
import type { CommandHandlers } from './commands.js';
import { configBlockCrc, decodeConfigBlock } from './config.js';
import { HomingStep, type DepthAxis } from './depth-axis.js';
import type { Lease } from './lease.js';
import type { Limiter } from './limiter.js';
import type { PenHardware } from './hal.js';
import type { PenStateMachine } from './pen-state.js';
import { SelfTest, SelfTestCheck } from './self-test.js';
import type { Sensors } from './sensors.js';
import type { FaultSupervisor } from './supervisor.js';

/** NOTE: used only while the stored block is corrupt (and FAULT is latched): the lowest cap, the default lease. */
export const FALLBACK_CONFIG: PenConfig = { sku: Sku.HOME, serialNumber: 0, leaseMs: LEASE_MS };

/** BOOT -> SELF_TEST -> (homing) -> IDLE, and back into it after RESET_FAULT. */
export class StartUp {
  readonly selfTest = new SelfTest();
  /** Active configuration: the stored block when valid, else FALLBACK_CONFIG. */
  config: PenConfig = FALLBACK_CONFIG;
  configValid = false;
  /** CRC-16 of the stored block's checked bytes, as INFO reports it. */
  configCrc = 0;
  /** True once the self-test passed since the last boot-level reset. */
  private selfTestPassed = false;
  /** True until the first self-test: only power-on homes by itself; after RESET_FAULT the host sends HOME. */
  private homeAfterSelfTest = true;

  readonly commands: CommandHandlers<'HOME' | 'RESET_FAULT'> = {
    HOME: () => {
      this.startHoming();
      return Reason.NONE;
    },
    /** Clears the fault. Boot faults re-run the configuration check and self-test; else UNHOMED (S17). */
    RESET_FAULT: () => {
      this.pen.faultCode = Fault.NONE;
      this.homeAfterSelfTest = false;
      this.axis.unhome();
      if (this.selfTestPassed && this.configValid) {
        this.pen.go('RESET');
      } else {
        this.selfTestPassed = false;
        this.loadConfig();
        this.pen.go('REBOOT');
      }
      return Reason.NONE;
    },
  };

  constructor(
    private readonly pen: PenStateMachine,
    private readonly hardware: PenHardware,
    private readonly sensors: Sensors,
    private readonly axis: DepthAxis,
    private readonly limiter: Limiter,
    private readonly lease: Lease,
    private readonly supervisor: FaultSupervisor,
  ) {
    this.loadConfig();
  }

  /** One tick of whichever start-up state the pen is in (no-op in the others). */
  step(): void {
    const state = this.pen.state;
    if (state === PenState.BOOT) this.boot();
    else if (state === PenState.SELF_TEST) this.stepSelfTest();
    else if (state === PenState.HOMING) this.stepHoming();
  }

  /** Reads and checks the stored block; the SKU maximum and the lease come only from a checked block. */
  private loadConfig(): void {
    const block = this.hardware.readConfigBlock();
    const decoded = decodeConfigBlock(block);
    this.configValid = decoded !== null;
    this.config = decoded ?? FALLBACK_CONFIG;
    this.configCrc = configBlockCrc(block);
    this.limiter.configure(SKU_MAX_DEPTH_UM[this.config.sku]);
    this.lease.configure(this.config.leaseMs);
  }

  private boot(): void {
    // NOTE: the configuration is integrity-checked before anything uses it (S17).
    if (!this.configValid) return this.supervisor.latch(Fault.CONFIG_CORRUPT);
    this.pen.go('CONFIG_CHECKED');
    this.selfTest.begin();
  }

  private stepSelfTest(): void {
    const sensors = this.sensors;
    this.selfTest.sample(sensors.batteryMv, sensors.motorCurrentMa, sensors.encoderUm);
    if (!this.selfTest.complete) return;
    if (this.selfTest.failedCheck() !== SelfTestCheck.NONE) return this.supervisor.latch(Fault.SELF_TEST_FAILED);
    this.selfTestPassed = true;
    this.pen.go('SELF_TEST_PASSED');
    if (this.homeAfterSelfTest) {
      this.homeAfterSelfTest = false;
      this.startHoming();
    }
  }

  private startHoming(): void {
    // NOTE: homing starts from the encoder reading; a non-finite one cannot be retracted from safely.
    if (!Number.isFinite(this.sensors.encoderUm)) return this.supervisor.latch(Fault.ENCODER_IMPLAUSIBLE);
    this.pen.go('HOME');
    this.axis.startHoming(this.sensors.encoderUm);
  }

  private stepHoming(): void {
    const step = this.axis.stepHoming();
    if (step === HomingStep.DONE) {
      // NOTE: the tick's reading predates the zeroing; the limiter must judge the zeroed axis.
      this.sensors.sampleEncoder();
      this.limiter.reset();
      this.pen.go('HOMED');
    } else if (step === HomingStep.FAILED) {
      this.supervisor.latch(Fault.HOMING_FAILED);
    }
  }
}
