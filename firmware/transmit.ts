// Pen-to-host transmit: frames encoded into preallocated buffers, the pen's transmit counter as seq; allocates nothing.
import {
  MAX_FRAME_BYTES,
  MESSAGES,
  encodeFrameInto,
  slipEncodeInto,
  slipEncodedMaxBytes,
  type MessageName,
  type Payload,
} from '../src/protocol/index.js';

/** Where encoded bytes go: the UART. The bytes are valid only during the call (the buffer is reused). */
export type UartWrite = (bytes: Uint8Array) => void;

type Scratch = { -readonly [N in MessageName]: Payload<N> };

/**
 * Encodes and transmits pen-to-host frames. The frame and SLIP buffers, one view per possible
 * length and one scratch payload per message are created once: `send` allocates nothing and never
 * throws. A payload that fails the catalog's ranges is not sent and counted (a firmware bug).
 */
export class Transmitter {
  private readonly frame = new Uint8Array(MAX_FRAME_BYTES);
  private readonly wire = new Uint8Array(slipEncodedMaxBytes(MAX_FRAME_BYTES));
  /** views[n] is wire[0, n): handing the UART a view of the right length allocates nothing. */
  private readonly views: readonly Uint8Array[];
  private readonly scratch: Scratch;
  private txSeq = 0;
  private errors = 0;

  constructor(private readonly uartWrite: UartWrite) {
    this.views = Array.from({ length: this.wire.length + 1 }, (_, length) => this.wire.subarray(0, length));
    this.scratch = Object.fromEntries(
      Object.entries(MESSAGES).map(([name, spec]) => [name, Object.fromEntries(spec.fields.map((f) => [f.name, 0]))]),
    ) as Scratch;
  }

  /** Frames that failed to encode (a firmware bug; tests assert 0). */
  get encodeErrors(): number {
    return this.errors;
  }

  /** The reusable payload object of `name`: fill every field, then `send(name, it)`. */
  payload<N extends MessageName>(name: N): Payload<N> {
    return this.scratch[name] as Payload<N>;
  }

  /** Encodes `payload` with the next transmit seq and writes it to the UART; false (counted) when invalid. */
  send<N extends MessageName>(name: N, payload: Payload<N>): boolean {
    const frameBytes = encodeFrameInto(this.frame, name, this.txSeq, payload);
    if (frameBytes === 0) {
      this.errors++;
      return false;
    }
    this.txSeq = (this.txSeq + 1) & 0xffff;
    this.uartWrite(this.views[slipEncodeInto(this.frame, frameBytes, this.wire)] as Uint8Array);
    return true;
  }
}
