// Public surface of the controller policy: areas, caps, plans, pass counting, exposure, reasons, treatment rules, aftercare, signed credentials and profiles.
export * from './areas.js';
export * from './caps.js';
export * from './exposure.js';
export * from './pass-counter.js';
export * from './plan.js';
export * from './reasons.js';
export * from './screening.js';
export * from './session-rules.js';
export * from './treatment-config.js';
export * from './aftercare.js';
export * from './sequence.js';
export * from './signed-token.js';
export * from './credential.js';
export * from './revocation.js';
export * from './profile.js';
export * from './profile-token.js';
