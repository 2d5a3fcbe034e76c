// The desk panel: desk frames only between host frames (or after a stalled partial frame), and their ACKs kept from the host.
import { describe, expect, it } from 'vitest';
import { MAX_FRAME_BYTES, SlipStreamDecoder, decodeFrame, encodeFrame, slipEncode } from '../src/protocol/index.js';
import { DESK_FRAME_BOUNDARY_WAIT_MS, DeskPanel, withoutDeskAck } from './desk-panel.js';

function names(bytes: Uint8Array | null): string[] {
  const out: string[] = [];
  if (bytes === null) return out;
  new SlipStreamDecoder(MAX_FRAME_BYTES, (frame) => {
    const decoded = decodeFrame(frame);
    out.push(decoded.ok ? `${decoded.message.name}:${decoded.message.seq}` : 'bad');
  }).push(bytes);
  return out;
}

describe('DeskPanel', () => {
  it('hands a frame at once when the host stream is between frames', () => {
    const panel = new DeskPanel();
    panel.noteHostBytes(slipEncode(encodeFrame('HEARTBEAT', 3, {})), 10);
    panel.request('STOP');
    const frame = panel.takeDue(10);
    expect(frame?.name).toBe('STOP');
    expect(names(frame?.bytes ?? null)).toEqual([`STOP:${frame?.seq}`]);
    expect(panel.hasPending).toBe(false);
  });

  it('waits while a host frame is half received, then goes in after DESK_FRAME_BOUNDARY_WAIT_MS of stall', () => {
    const panel = new DeskPanel();
    panel.noteHostBytes(slipEncode(encodeFrame('HEARTBEAT', 3, {})).subarray(0, 4), 10);
    panel.request('ESTOP');
    expect(panel.takeDue(10 + DESK_FRAME_BOUNDARY_WAIT_MS - 1)).toBeNull();
    expect(panel.takeDue(10 + DESK_FRAME_BOUNDARY_WAIT_MS)?.name).toBe('ESTOP');
  });

  it('keeps at most 8 frames waiting', () => {
    const panel = new DeskPanel();
    for (let i = 0; i < 8; i++) expect(panel.request('STOP')).toBe(true);
    expect(panel.request('STOP')).toBe(false);
  });
});

describe('withoutDeskAck', () => {
  it('drops only the ACK of the desk frame and keeps the other frames in order', () => {
    const stopped = slipEncode(encodeFrame('EVENT_STOPPED', 10, { deviceTickMs: 5, reason: 0x50 }));
    const deskAck = slipEncode(
      encodeFrame('ACK', 11, { ackedSeq: 0x7f00, ackedType: 0x20, note: 0, appliedValue: 0, expectedSeq: 0 }),
    );
    const otherAck = slipEncode(
      encodeFrame('ACK', 12, { ackedSeq: 7, ackedType: 0x10, note: 0, appliedValue: 0, expectedSeq: 8 }),
    );
    const kept = withoutDeskAck(Buffer.concat([stopped, deskAck, otherAck]), 0x7f00);
    expect(names(kept)).toEqual(['EVENT_STOPPED:10', 'ACK:12']);
    expect(withoutDeskAck(deskAck, 0x7f00)).toBeNull();
  });
});
