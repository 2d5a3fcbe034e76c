// Interoperability with @serialport/parser-slip-encoder: its encoder feeds our reader, ours feeds its decoder.
import { SlipDecoder, SlipEncoder } from '@serialport/parser-slip-encoder';
import { describe, expect, it } from 'vitest';
import { SLIP_END, SLIP_ESC, decodeFrame, encodeFrame, slipEncode, type Message } from '../protocol/index.js';
import { FrameReader } from './frame-reader.js';
import { telemetryPayload } from '../../test/support/fake-pen.js';

/** Frames whose bytes include END and ESC, so escaping is exercised both ways. */
const FRAMES: Message[] = [
  {
    name: 'ACK',
    seq: 0xc0db,
    payload: { ackedSeq: 0xdbc0, ackedType: 0xdb, note: 0x30, appliedValue: 0x00c0, expectedSeq: 0xdbc1 },
  },
  { name: 'TELEMETRY', seq: 0x00db, payload: telemetryPayload({ strokeCount: 0xc0dbc0db, measuredDepthUm: -0x3f25 }) },
  { name: 'NAK', seq: 3, payload: { refusedSeq: 0x4100, refusedType: 0xc0, reason: 0x10, expectedSeq: 0x40ff } },
];

function encode(message: Message): Uint8Array {
  return encodeFrame(message.name, message.seq, message.payload as never);
}

async function throughTransform(transform: SlipEncoder | SlipDecoder, inputs: Uint8Array[]): Promise<Buffer[]> {
  const outputs: Buffer[] = [];
  transform.on('data', (chunk: Buffer) => outputs.push(chunk));
  for (const input of inputs) transform.write(Buffer.from(input));
  transform.end();
  await new Promise((resolve) => transform.on('end', resolve));
  return outputs;
}

describe('SLIP interoperability with @serialport/parser-slip-encoder', () => {
  it('the escapes under test are really present in the frames', () => {
    const bytes = Buffer.concat(FRAMES.map(encode));
    expect(bytes.includes(SLIP_END)).toBe(true);
    expect(bytes.includes(SLIP_ESC)).toBe(true);
  });

  it("frames encoded by the package's SlipEncoder decode with our FrameReader", async () => {
    const encoded = await throughTransform(new SlipEncoder(), FRAMES.map(encode));
    const messages: Message[] = [];
    const reader = new FrameReader((message) => messages.push(message));
    for (const chunk of encoded) reader.push(chunk);
    expect(messages).toEqual(FRAMES);
    expect(reader.rejectedCount()).toBe(0);
  });

  it("frames from our slipEncode decode with the package's SlipDecoder", async () => {
    const decoded = await throughTransform(
      new SlipDecoder(),
      FRAMES.map((message) => slipEncode(encode(message))),
    );
    const messages = decoded.map((frame) => {
      const result = decodeFrame(new Uint8Array(frame));
      if (!result.ok) throw new Error(`rejected: ${result.rejection.reason}`);
      return result.message;
    });
    expect(messages).toEqual(FRAMES);
  });
});
