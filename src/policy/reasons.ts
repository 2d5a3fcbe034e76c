// Reason codes for the controller's own decisions: every refusal, clamp and stop carries one (S8).
import { Reason, codeName } from '../protocol/index.js';

/**
 * Controller reason codes, as stable strings (logged, stored and shown as they are).
 * Pen-side reasons (NAK, ACK notes, stop reasons) keep the wire code's name: see `penReasonName`.
 */
export const PolicyReason = {
  // plan file
  INVALID_FIELD: 'INVALID_FIELD', // wrong type, missing, or malformed field
  UNKNOWN_AREA: 'UNKNOWN_AREA', // area id not in the area list
  DUPLICATE_AREA: 'DUPLICATE_AREA', // an area listed twice (its passes would add up)
  PASSES_ABOVE_LIMIT: 'PASSES_ABOVE_LIMIT', // more passes than the per-area limit (6)
  DEPTH_ABOVE_MODE_CAP: 'DEPTH_ABOVE_MODE_CAP', // deeper than the mode allows (home 0.25 mm)
  DEPTH_ABOVE_AREA_CAP: 'DEPTH_ABOVE_AREA_CAP', // deeper than the area allows in professional mode
  SPEED_OUT_OF_RANGE: 'SPEED_OUT_OF_RANGE', // stroke rate outside 50-150 Hz
  PLAN_MODE_MISMATCH: 'PLAN_MODE_MISMATCH', // plan written for another mode than the session's
  // settings and caps (S2, S3, S4)
  SETTING_INVALID: 'SETTING_INVALID', // NaN, infinite, negative or non-number: safe default used
  DEPTH_CLAMPED_TO_SKU_CAP: 'DEPTH_CLAMPED_TO_SKU_CAP',
  DEPTH_CLAMPED_TO_MODE_CAP: 'DEPTH_CLAMPED_TO_MODE_CAP',
  DEPTH_CLAMPED_TO_AREA_CAP: 'DEPTH_CLAMPED_TO_AREA_CAP',
  DEPTH_CLAMPED_TO_PROFILE_CAP: 'DEPTH_CLAMPED_TO_PROFILE_CAP',
  DEPTH_CLAMPED_TO_CREDENTIAL_CAP: 'DEPTH_CLAMPED_TO_CREDENTIAL_CAP', // the credential's maxDepthUm binds
  PASSES_CLAMPED_TO_PROFILE_LIMIT: 'PASSES_CLAMPED_TO_PROFILE_LIMIT', // the clinic profile allows fewer passes than planned
  DEPTH_FLOORED_TO_STEP: 'DEPTH_FLOORED_TO_STEP',
  SPEED_CLAMPED_TO_PEN_RANGE: 'SPEED_CLAMPED_TO_PEN_RANGE',
  // link and handshake
  LINK_FAILED: 'LINK_FAILED', // the port could not be opened
  HANDSHAKE_TIMEOUT: 'HANDSHAKE_TIMEOUT', // no INFO in time
  LINK_DEAD: 'LINK_DEAD', // heartbeat or port lost
  PROTOCOL_VERSION_UNSUPPORTED: 'PROTOCOL_VERSION_UNSUPPORTED',
  PEN_LIMITS_IMPLAUSIBLE: 'PEN_LIMITS_IMPLAUSIBLE', // INFO's stroke range does not meet 50-150 Hz
  // session start and modes (S9)
  PRO_MODE_NEEDS_PRO_SKU: 'PRO_MODE_NEEDS_PRO_SKU',
  PRO_MODE_LOCKED: 'PRO_MODE_LOCKED', // professional session without a valid unlock
  // signed clinician credential (S9; docs/trust.md)
  PRO_CREDENTIAL_MALFORMED: 'PRO_CREDENTIAL_MALFORMED', // not a compact JWS, or claims missing, mistyped or unknown
  PRO_CREDENTIAL_UNSIGNED: 'PRO_CREDENTIAL_UNSIGNED', // plain JSON, `alg: none` or an empty signature
  PRO_CREDENTIAL_WRONG_TYPE: 'PRO_CREDENTIAL_WRONG_TYPE', // a token of another kind (typ)
  PRO_CREDENTIAL_UNKNOWN_KEY: 'PRO_CREDENTIAL_UNKNOWN_KEY', // signed by a key the trust file does not hold
  PRO_CREDENTIAL_BAD_SIGNATURE: 'PRO_CREDENTIAL_BAD_SIGNATURE', // tampered, swapped kid, or an alg other than EdDSA
  PRO_CREDENTIAL_WRONG_ISSUER: 'PRO_CREDENTIAL_WRONG_ISSUER', // signer not trusted as a maker, or iss is not its key
  PRO_CREDENTIAL_REVOKED: 'PRO_CREDENTIAL_REVOKED', // the credential id or its signing key is on the revocation list
  PRO_CREDENTIAL_WRONG_PEN: 'PRO_CREDENTIAL_WRONG_PEN', // bound to other pens than this one
  PRO_CREDENTIAL_NOT_YET_VALID: 'PRO_CREDENTIAL_NOT_YET_VALID', // now < nbf
  PRO_CREDENTIAL_EXPIRED: 'PRO_CREDENTIAL_EXPIRED', // now >= exp
  REVOCATION_LIST_INVALID: 'REVOCATION_LIST_INVALID', // a revocation list was given but cannot be trusted: fail closed
  CLOCK_BEHIND_RECORDS: 'CLOCK_BEHIND_RECORDS', // wall clock earlier than the newest record (set back?)
  // signed clinic profile (S2; docs/trust.md)
  PROFILE_UNSIGNED: 'PROFILE_UNSIGNED', // plain JSON, `alg: none` or an empty signature
  PROFILE_TAMPERED: 'PROFILE_TAMPERED', // signature does not verify, or an alg other than EdDSA
  PROFILE_UNTRUSTED_KEY: 'PROFILE_UNTRUSTED_KEY', // unknown key, a key not trusted as a clinic, or iss not its key
  PROFILE_WRONG_TYPE: 'PROFILE_WRONG_TYPE', // a token of another kind (typ)
  PROFILE_KEY_REVOKED: 'PROFILE_KEY_REVOKED', // the signing key is on the revocation list
  PROFILE_INVALID: 'PROFILE_INVALID', // not a compact JWS, or a field missing, mistyped, out of range or unknown
  PROFILE_LOOSENS: 'PROFILE_LOOSENS', // a value above (or below) the product default: a profile may only tighten
  NO_CARTRIDGE: 'NO_CARTRIDGE',
  // areas and passes (S5, S6)
  AREA_NOT_IN_PLAN: 'AREA_NOT_IN_PLAN',
  AREA_LOCKED: 'AREA_LOCKED', // the area was locked earlier this session
  AREA_CHANGE_WHILE_ACTIVE: 'AREA_CHANGE_WHILE_ACTIVE', // SELECT_AREA while arming or in contact
  PASS_LIMIT_REACHED: 'PASS_LIMIT_REACHED',
  AREA_PUNCTURE_BUDGET_REACHED: 'AREA_PUNCTURE_BUDGET_REACHED',
  AREA_CONTACT_TIME_BUDGET_REACHED: 'AREA_CONTACT_TIME_BUDGET_REACHED',
  SESSION_PUNCTURE_BUDGET_REACHED: 'SESSION_PUNCTURE_BUDGET_REACHED',
  SESSION_CONTACT_TIME_BUDGET_REACHED: 'SESSION_CONTACT_TIME_BUDGET_REACHED',
  // sequencing and records (issue 9: the machine decides the session)
  PLAN_COMPLETE: 'PLAN_COMPLETE', // every plan area reached its pass limit or budget
  AREA_ATTEMPTS_EXHAUSTED: 'AREA_ATTEMPTS_EXHAUSTED', // plan order: the pen refused arming every open area too often
  PEN_NOT_READY: 'PEN_NOT_READY', // the pen did not report IDLE (homed, disarmed) in time
  PASS_NOT_RESERVED: 'PASS_NOT_RESERVED', // contact before the next pass was durably reserved: needles stopped until it is
  RECORDS_UNAVAILABLE: 'RECORDS_UNAVAILABLE', // a records request failed: no new pass can be opened
  CONTROLLER_ERROR: 'CONTROLLER_ERROR', // the controller itself failed: needles stopped, link dropped
  CLIENT_IN_SESSION: 'CLIENT_IN_SESSION', // the client is in another live session
  PRO_CREDENTIAL_MISSING: 'PRO_CREDENTIAL_MISSING', // professional session without a credential
  // stops and faults (S1, S13)
  OPERATOR_STOP: 'OPERATOR_STOP',
  OPERATOR_PAUSE: 'OPERATOR_PAUSE',
  OPERATOR_FINISH: 'OPERATOR_FINISH',
  INPUT_NOT_ACCEPTED_NOW: 'INPUT_NOT_ACCEPTED_NOW', // an operator input that does not apply in the present state
  EMERGENCY_STOP: 'EMERGENCY_STOP',
  PEN_FAULT: 'PEN_FAULT', // the pen latched a fault
  PEN_STOPPED: 'PEN_STOPPED', // the pen stopped the drive by itself
  CARTRIDGE_REMOVED: 'CARTRIDGE_REMOVED',
  MEASURED_DEPTH_ABOVE_CAP: 'MEASURED_DEPTH_ABOVE_CAP', // measured depth above cap + tolerance
  PEN_DEPTH_ABOVE_COMMAND: 'PEN_DEPTH_ABOVE_COMMAND', // the pen applied or reports more than was sent
} as const;
export type PolicyReasonCode = (typeof PolicyReason)[keyof typeof PolicyReason];

/** Name of a pen wire reason for records, e.g. `PEN_DEPTH_OUT_OF_RANGE`; unknown codes stay visible. */
export function penReasonName(code: number): string {
  return `PEN_${codeName(Reason, code)}`;
}
