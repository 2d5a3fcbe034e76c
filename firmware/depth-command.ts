// SET_DEPTH rule: floor to the actuator step, then clamp to the SKU's absolute maximum, with the ACK note.
import { DEPTH_STEP_UM, Reason } from '../src/protocol/index.js';

/** Result of applying SET_DEPTH: the depth the axis will use and the ACK note explaining it. */
export interface AppliedDepth {
  readonly depthUm: number;
  readonly note: number;
}

/**
 * Floors `requestedUm` to DEPTH_STEP_UM, then clamps it to `capUm` (S3: quantisation never rounds
 * up past a cap). Note: DEPTH_CLAMPED_TO_SKU_MAX when clamped, else DEPTH_FLOORED_TO_STEP when
 * floored, else NONE. `requestedUm` is already range-checked by the frame decoder (0-2500 um);
 * `capUm` is a multiple of the step.
 */
export function applyDepthCommand(requestedUm: number, capUm: number): AppliedDepth {
  const flooredUm = Math.floor(requestedUm / DEPTH_STEP_UM) * DEPTH_STEP_UM;
  if (flooredUm > capUm) return { depthUm: capUm, note: Reason.DEPTH_CLAMPED_TO_SKU_MAX };
  if (flooredUm !== requestedUm) return { depthUm: flooredUm, note: Reason.DEPTH_FLOORED_TO_STEP };
  return { depthUm: flooredUm, note: Reason.NONE };
}
