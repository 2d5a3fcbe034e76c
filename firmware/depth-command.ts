// Depth rules of SET_DEPTH and SET_DEPTH_LIMIT: floor to the actuator step, then clamp to the binding cap, with the ACK note.
import { DEPTH_STEP_UM, Reason } from '../src/protocol/index.js';

/**
 * The depth the pen applies for `requestedUm`: floored to DEPTH_STEP_UM, then clamped to
 * `sessionLimitUm` (never above `skuMaxUm`). S3: quantisation never rounds up past a cap.
 * `requestedUm` is range-checked by the frame decoder (0-2500 um); both caps are step multiples.
 */
export function appliedDepthUm(requestedUm: number, skuMaxUm: number, sessionLimitUm = skuMaxUm): number {
  const flooredUm = Math.floor(requestedUm / DEPTH_STEP_UM) * DEPTH_STEP_UM;
  return Math.min(flooredUm, skuMaxUm, sessionLimitUm);
}

/**
 * The ACK note for `requestedUm`: DEPTH_CLAMPED_TO_SESSION_LIMIT when a session limit below the SKU
 * maximum bound it, DEPTH_CLAMPED_TO_SKU_MAX when the SKU maximum bound it, else
 * DEPTH_FLOORED_TO_STEP when floored, else NONE.
 */
export function depthNote(requestedUm: number, skuMaxUm: number, sessionLimitUm = skuMaxUm): number {
  const capUm = Math.min(skuMaxUm, sessionLimitUm);
  const flooredUm = Math.floor(requestedUm / DEPTH_STEP_UM) * DEPTH_STEP_UM;
  if (flooredUm > capUm)
    return capUm < skuMaxUm ? Reason.DEPTH_CLAMPED_TO_SESSION_LIMIT : Reason.DEPTH_CLAMPED_TO_SKU_MAX;
  return flooredUm === requestedUm ? Reason.NONE : Reason.DEPTH_FLOORED_TO_STEP;
}
