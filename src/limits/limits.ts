// The product's limits, declared once: the host controller, the pen firmware and the simulator all read them here.

/** Depth actuator step: every commanded depth is floored to a multiple of it (S3), um. */
export const DEPTH_STEP_UM = 50;
/**
 * NOTE: the home SKU's absolute maximum and the home mode cap are one figure: 0.25 mm is a product
 * policy (domain.md), enforced by the controller (mode cap) and by the home pen's limiter (SKU maximum).
 */
export const HOME_MAX_DEPTH_UM = 250;
/** The professional SKU's absolute maximum, also the largest depth the wire can carry, um. */
export const PRO_MAX_DEPTH_UM = 2500;
/** Every depth on the wire and in records lies in this range, um. */
export const DEPTH_RANGE_UM = { min: 0, max: PRO_MAX_DEPTH_UM } as const;
/** NOTE: a measured depth above the active cap by more than this is a latched fault, host and pen alike (S1). */
export const OVER_DEPTH_MARGIN_UM = 50;

/** Stroke rates the product drives (S7), Hz. */
export const STROKE_RANGE_HZ = { min: 50, max: 150 } as const;
/** Stroke rate of a plan area that names none, and of a pen armed before any SET_SPEED, Hz. */
export const DEFAULT_STROKE_HZ = 100;

/** NOTE: passes per area per session never exceed this, whatever a plan or profile asks (domain.md "Passes"). */
export const MAX_PASSES_PER_AREA = 6;
/** A lift-off shorter than this, then contact again, is the same pass (pen ms); a longer debounce is refused (S5). */
export const PASS_DEBOUNCE_MS = 150;

/** Drive lease: the pen stops and retracts when no HEARTBEAT renewed it for this long (S10), pen ms. */
export const LEASE_MS = 200;
/** Host heartbeat period while connected: three chances per lease, host ms. */
export const HEARTBEAT_PERIOD_MS = 50;
/** NOTE: the host declares the link dead after this much silence, before the pen's lease lapses, host ms. */
export const DEAD_LINK_TIMEOUT_MS = 150;

/**
 * NOTE: the pen runs only while the controller's machine is alive. The link thread heartbeats only
 * while the machine's thread stamped within this bound, and stops for good (the pen's lease then
 * lapses) once a stamp is this old or its own tick this late. A 120 ms stall passes with room for
 * the stamp period, a loaded host's wake-up delay and the machine thread's own work (its records'
 * fsync): at load average 10-16 on 2 cores, 120 ms stalls were seen as stamps up to 272 ms old,
 * host ms. Decision 0008.
 */
export const HOST_STALL_BOUND_MS = 300;
/** The machine's thread stamps its liveness, and the link thread checks it, this often, host ms. */
export const HOST_ALIVE_PERIOD_MS = 10;

/** Telemetry rates a pen accepts, frames per second (0 = off, the pen's default after boot or HELLO). */
export const TELEMETRY_RATE_RANGE_HZ = { min: 0, max: 1000 } as const;
/** Telemetry rate a pen reports at after boot and after every HELLO, Hz. */
export const DEFAULT_TELEMETRY_HZ = 0;
/** Telemetry rate the controller asks for during a session: its second depth check samples it, Hz. */
export const SESSION_TELEMETRY_HZ = 50;
