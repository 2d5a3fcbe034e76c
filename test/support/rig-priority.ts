// Scheduling priority of the test rig's stand-ins for hardware (the pen's UART loop, the socat "cable"): above the host's processes when allowed.
import { setPriority } from 'node:os';

/** Nice value of the rig: the pen and the wire stand for hardware that does not share the host's CPU. */
export const RIG_NICE = -10;
/** Nice value of everything under test and of the load beside it: an ordinary desktop process. */
export const HOST_NICE = 0;

/**
 * Sets the nice value of `pid` (0: this process); false when not allowed (not root, no
 * CAP_SYS_NICE): the rig then competes with the host like any process, and a loaded run may fail
 * on a late pen rather than a late controller.
 */
export function trySetNice(pid: number, nice: number): boolean {
  try {
    setPriority(pid, nice);
    return true;
  } catch {
    return false;
  }
}
