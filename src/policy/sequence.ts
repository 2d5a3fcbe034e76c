// How a session moves between areas and waits for the pen: retries, delays and timeouts the machine applies.

/** Plan order: an area whose arming the pen refused is tried this many times before the next area. */
export const MAX_AREA_ATTEMPTS = 3;
/** Plan order: wait after a refused arming before trying again, host ms. */
export const AREA_RETRY_DELAY_MS = 300;
/**
 * Plan order: the pen must be off the skin this long before the next area is armed, host ms.
 * NOTE: the controller cannot see where the pen is; this keeps a hand still working the previous
 * (locked) area from starting a pass that would count on the next one.
 */
export const AREA_CHANGE_DWELL_MS = 1000;
/** Longest wait for the port to open, host ms. */
export const CONNECT_TIMEOUT_MS = 5000;
/** Longest wait, after admission, for the pen to report IDLE (homed, disarmed), host ms. */
export const PEN_IDLE_TIMEOUT_MS = 10_000;
/**
 * An interrupted session (a crash, a kill, a lost host) is resumed only by a run this soon after
 * its last record, for the same client, mode, kind and areas; later, it is closed as interrupted
 * and the new run is a new session under every rule (interval, cartridge, budgets), ms.
 */
export const RESUME_WINDOW_MS = 60 * 60 * 1000;
