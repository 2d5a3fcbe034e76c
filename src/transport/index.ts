// Public surface of the host link: PenLink, the frame reader, options, results and errors.
export { PenLink, type PenLinkInit } from './pen-link.js';
export { FrameReader } from './frame-reader.js';
export {
  DEFAULT_HEARTBEAT_PERIOD_MS,
  DEFAULT_LINK_OPTIONS,
  MAX_WINDOW_SIZE,
  resolveLinkOptions,
  type LinkOptions,
} from './link-options.js';
export {
  LinkError,
  type CommandName,
  type CommandResult,
  type LinkDeadReason,
  type LinkErrorCode,
  type LinkStats,
  type PortLike,
  type RealtimeName,
} from './link-types.js';
export type { LinkEventName, LinkListeners, ReportEventName, ReportPayloads } from './link-events.js';
export { HostLiveness, type HostLivenessDeps, type HostStall } from './host-liveness.js';
export { REPORT_EVENTS } from './link-events.js';
export { seqDistance } from './command-window.js';
