// SLIP (RFC 1055) encoder and a bounded streaming decoder, shared by firmware and host.

export const SLIP_END = 0xc0;
export const SLIP_ESC = 0xdb;
export const SLIP_ESC_END = 0xdc;
export const SLIP_ESC_ESC = 0xdd;

/** Largest SLIP encoding of a frame of `frameBytes` bytes: every byte escaped, plus two ENDs. */
export function slipEncodedMaxBytes(frameBytes: number): number {
  return 2 * frameBytes + 2;
}

/**
 * Encodes one frame as END, escaped bytes, END. The leading END flushes any line noise the
 * receiver holds, so a frame is never glued to garbage.
 */
export function slipEncode(frame: Uint8Array): Uint8Array {
  const out = new Uint8Array(frame.length + countEscapes(frame, frame.length) + 2);
  slipEncodeInto(frame, frame.length, out);
  return out;
}

/**
 * Encodes `frame[0, frameBytes)` into `out` from offset 0 as `slipEncode` does; returns the encoded
 * length, or 0 when `out` is shorter than slipEncodedMaxBytes(frameBytes). Allocates nothing.
 */
export function slipEncodeInto(frame: Uint8Array, frameBytes: number, out: Uint8Array): number {
  if (out.length < slipEncodedMaxBytes(frameBytes) && out.length < frameBytes + 2 + countEscapes(frame, frameBytes)) {
    return 0;
  }
  let o = 0;
  out[o++] = SLIP_END;
  for (let i = 0; i < frameBytes; i++) {
    const byte = frame[i] as number;
    if (byte === SLIP_END) {
      out[o++] = SLIP_ESC;
      out[o++] = SLIP_ESC_END;
    } else if (byte === SLIP_ESC) {
      out[o++] = SLIP_ESC;
      out[o++] = SLIP_ESC_ESC;
    } else {
      out[o++] = byte;
    }
  }
  out[o++] = SLIP_END;
  return o;
}

function countEscapes(frame: Uint8Array, frameBytes: number): number {
  let escapes = 0;
  for (let i = 0; i < frameBytes; i++) if (frame[i] === SLIP_END || frame[i] === SLIP_ESC) escapes++;
  return escapes;
}

/** Why the SLIP layer dropped a run of bytes. */
export type SlipDropReason = 'oversize' | 'badEscape';

/**
 * Streaming SLIP decoder with a fixed buffer: any byte sequence, split anywhere, yields the same
 * frames. A frame longer than `maxFrameBytes` or with an invalid escape is dropped whole and
 * reported once; decoding resumes at the next END. Empty frames (END END) are ignored.
 */
export class SlipStreamDecoder {
  private readonly buffer: Uint8Array;
  private length = 0;
  private escaping = false;
  private dropping: SlipDropReason | null = null;

  constructor(
    private readonly maxFrameBytes: number,
    private readonly onFrame: (frame: Uint8Array) => void,
    private readonly onDrop: (reason: SlipDropReason) => void = () => {},
  ) {
    this.buffer = new Uint8Array(maxFrameBytes);
  }

  /** Feeds received bytes; calls onFrame with a copy of each complete frame. */
  push(bytes: Uint8Array): void {
    for (let i = 0; i < bytes.length; i++) this.pushByte(bytes[i] as number);
  }

  private pushByte(byte: number): void {
    if (byte === SLIP_END) {
      if (this.dropping !== null) this.onDrop(this.dropping);
      else if (this.escaping) this.onDrop('badEscape');
      else if (this.length > 0) this.onFrame(this.buffer.slice(0, this.length));
      this.length = 0;
      this.escaping = false;
      this.dropping = null;
      return;
    }
    if (this.dropping !== null) return;
    let value = byte;
    if (this.escaping) {
      this.escaping = false;
      if (byte === SLIP_ESC_END) value = SLIP_END;
      else if (byte === SLIP_ESC_ESC) value = SLIP_ESC;
      else {
        this.dropping = 'badEscape';
        return;
      }
    } else if (byte === SLIP_ESC) {
      this.escaping = true;
      return;
    }
    if (this.length >= this.maxFrameBytes) {
      this.dropping = 'oversize';
      return;
    }
    this.buffer[this.length++] = value;
  }
}
