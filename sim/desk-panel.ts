// The desk's STOP and ESTOP: realtime frames handed to the pen's UART beside the host's byte stream, their ACKs kept from the host.
import {
  MAX_FRAME_BYTES,
  SLIP_END,
  SlipStreamDecoder,
  decodeFrame,
  encodeFrame,
  slipEncode,
} from '../src/protocol/index.js';

/** Realtime frames the desk may hand the pen. */
export type DeskRealtime = 'STOP' | 'ESTOP';

/** Longest wait for the host's partial frame to end before a desk frame goes in anyway, pen ms. */
export const DESK_FRAME_BOUNDARY_WAIT_MS = 5;

/** First sequence number of desk frames (realtime frames act whatever their seq; their ACKs never reach the host). */
const DESK_SEQ_BASE = 0x7f00;

/**
 * Decides when a desk frame may enter the pen's UART: only between two host frames, so a host
 * frame is never cut (a SLIP END inside it would make the pen drop it). A host stream stuck
 * mid-frame (garbage, a dropped link) is waited for at most DESK_FRAME_BOUNDARY_WAIT_MS.
 */
export class DeskPanel {
  private readonly pending: DeskRealtime[] = [];
  private hostMidFrame = false;
  private hostMidFrameSinceMs = 0;
  private sequence = 0;

  /** Queues a frame; at most 8 wait (a held key must not pile up frames). Returns false when full. */
  request(name: DeskRealtime): boolean {
    if (this.pending.length >= 8) return false;
    this.pending.push(name);
    return true;
  }

  get hasPending(): boolean {
    return this.pending.length > 0;
  }

  /** Notes the host bytes just handed to the pen at pen time `nowMs`. */
  noteHostBytes(bytes: Uint8Array, nowMs: number): void {
    if (bytes.length === 0) return;
    const midFrame = bytes[bytes.length - 1] !== SLIP_END;
    if (midFrame && !this.hostMidFrame) this.hostMidFrameSinceMs = nowMs;
    this.hostMidFrame = midFrame;
  }

  /** The next frame to hand the pen now (SLIP-encoded) and its sequence number, or null to wait. */
  takeDue(nowMs: number): { readonly name: DeskRealtime; readonly seq: number; readonly bytes: Uint8Array } | null {
    if (this.pending.length === 0) return null;
    if (this.hostMidFrame && nowMs - this.hostMidFrameSinceMs < DESK_FRAME_BOUNDARY_WAIT_MS) return null;
    const name = this.pending.shift() as DeskRealtime;
    const seq = (DESK_SEQ_BASE + (this.sequence++ & 0xff)) & 0xffff;
    // NOTE: a frame that had to cut a stalled host frame leaves the pen's receiver at a boundary.
    this.hostMidFrame = false;
    return { name, seq, bytes: slipEncode(encodeFrame(name, seq, {})) };
  }
}

/**
 * Removes the pen's ACK of desk frame `deskSeq` from bytes the pen transmitted while handling it
 * (the host never sent that frame, so its answer is not the host's). Other frames pass unchanged,
 * in order. Returns null when nothing is left.
 */
export function withoutDeskAck(bytes: Uint8Array, deskSeq: number): Uint8Array | null {
  const kept: Uint8Array[] = [];
  new SlipStreamDecoder(MAX_FRAME_BYTES, (frame) => {
    const decoded = decodeFrame(frame);
    const isDeskAck = decoded.ok && decoded.message.name === 'ACK' && decoded.message.payload.ackedSeq === deskSeq;
    if (!isDeskAck) kept.push(slipEncode(frame));
  }).push(bytes);
  if (kept.length === 0) return null;
  if (kept.length === 1) return kept[0] as Uint8Array;
  const out = new Uint8Array(kept.reduce((size, chunk) => size + chunk.length, 0));
  let offset = 0;
  for (const chunk of kept) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}
