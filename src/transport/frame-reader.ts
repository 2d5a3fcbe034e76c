// Receive side of the host link: bytes (split anywhere) in, checked pen-to-host messages out.
import {
  MAX_FRAME_BYTES,
  MESSAGES,
  Reason,
  SlipStreamDecoder,
  codeName,
  decodeFrame,
  type FrameRejection,
  type Message,
  type SlipDropReason,
} from '../protocol/index.js';

const OVERSIZE: FrameRejection = Object.freeze({ reason: Reason.FRAME_OVERSIZE });
const BAD_ESCAPE: FrameRejection = Object.freeze({ reason: Reason.FRAME_BAD_ESCAPE });

/**
 * Decodes the pen's byte stream with the protocol's bounded `SlipStreamDecoder` and `decodeFrame`.
 * Every frame that fails SLIP, length, CRC, type, payload size, range or direction checks is
 * dropped, counted by reason code and reported to `onRejection`; nothing else happens (S14).
 * Host-to-pen messages arriving here (an echoing line) are rejected as WRONG_DIRECTION.
 *
 * The `@serialport/parser-slip-encoder` decoder is not used on this path (decision 0002): it
 * concatenates a Buffer per byte, keeps unbounded garbage without an END, emits a partial frame on
 * a bad escape, and a Transform stage would also put a STOP behind its buffer.
 */
export class FrameReader {
  private readonly slip: SlipStreamDecoder;
  private readonly rejections = new Uint32Array(256);
  private accepted = 0;

  constructor(
    private readonly onMessage: (message: Message) => void,
    private readonly onRejection: (rejection: FrameRejection) => void = () => {},
  ) {
    this.slip = new SlipStreamDecoder(
      MAX_FRAME_BYTES,
      (frame) => this.handleFrame(frame),
      (reason) => this.handleDrop(reason),
    );
  }

  /** Feeds received bytes; calls onMessage / onRejection synchronously for each complete frame. */
  push(bytes: Uint8Array): void {
    this.slip.push(bytes);
  }

  /** Messages accepted so far. */
  get framesAccepted(): number {
    return this.accepted;
  }

  /** Frames rejected with `reason`, or with any reason when omitted. */
  rejectedCount(reason?: number): number {
    if (reason !== undefined) return this.rejections[reason] ?? 0;
    let total = 0;
    for (const count of this.rejections) total += count;
    return total;
  }

  /** Non-zero rejection counts keyed by reason name (e.g. FRAME_BAD_CRC), for logs. */
  rejectionSummary(): Record<string, number> {
    const summary: Record<string, number> = {};
    this.rejections.forEach((count, code) => {
      if (count > 0) summary[codeName(Reason, code)] = count;
    });
    return summary;
  }

  private handleFrame(frame: Uint8Array): void {
    const result = decodeFrame(frame);
    if (!result.ok) {
      this.reject(result.rejection);
      return;
    }
    const message = result.message;
    if (MESSAGES[message.name].direction !== 'toHost') {
      this.reject({ reason: Reason.WRONG_DIRECTION, seq: message.seq, type: MESSAGES[message.name].type });
      return;
    }
    this.accepted++;
    this.onMessage(message);
  }

  private handleDrop(reason: SlipDropReason): void {
    this.reject(reason === 'oversize' ? OVERSIZE : BAD_ESCAPE);
  }

  private reject(rejection: FrameRejection): void {
    this.rejections[rejection.reason] = (this.rejections[rejection.reason] ?? 0) + 1;
    this.onRejection(rejection);
  }
}
