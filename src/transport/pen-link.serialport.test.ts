// PenLink over a real SerialPortStream on @serialport/binding-mock, talking to the fake pen in virtual time.
import { SerialPortStream } from '@serialport/stream';
import { SerialPortMock } from 'serialport';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../clock/clock.js';
import { PenLink } from './pen-link.js';
import { FakePen, decodeWire } from '../../test/support/fake-pen.js';

const drain = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('PenLink over SerialPortStream + binding-mock', () => {
  it('handshakes, commands, stops, reports, and goes quiet when the port closes', async () => {
    // NOTE: SerialPortMock.binding, never a separate import of MockBinding (dependencies trap 1).
    const binding = SerialPortMock.binding;
    const path = '/dev/mnpen-transport-test';
    binding.createPort(path, { echo: false, record: true });
    const stream = new SerialPortStream({ binding, path, baudRate: 115200, autoOpen: false });
    await new Promise<void>((resolve, reject) =>
      stream.open((error: Error | null) => (error ? reject(error) : resolve())),
    );
    const mockPort = stream.port;
    if (mockPort === undefined) throw new Error('port not open');

    const clock = new VirtualClock();
    const pen = new FakePen({ clock, toHost: (bytes) => mockPort.emitData(Buffer.from(bytes)) });
    const link = new PenLink({ port: stream, clock });
    let seenBytes = 0;
    /** Steps virtual time 1 ms at a time, draining the binding's nextTick deliveries both ways. */
    const run = async (ms: number): Promise<void> => {
      for (let i = 0; i < ms; i++) {
        clock.advanceTo(clock.nowMs() + 1);
        await drain();
        const recording = mockPort.recording;
        if (recording.length > seenBytes) pen.receive(recording.subarray(seenBytes));
        seenBytes = recording.length;
        await drain();
      }
    };

    const strokes: number[] = [];
    link.on('telemetry', (sample) => strokes.push(sample.strokeCount));
    const info = link.hello();
    await run(5);
    expect((await info).nextSeq).toBe(0x4101); // 0x0100 + 0x4000 + the HELLO's tick (1)

    const depth = link.command('SET_DEPTH', { depthUm: 200 });
    const arm = link.command('ARM', {});
    expect(link.realtime('STOP')).toBe(true);
    await run(5);
    // each write reaches the fake pen in its own read, and it acts on a command at once: both ran before the STOP
    expect(await depth).toEqual({ ok: true, note: 0, appliedValue: 200 });
    expect(await arm).toEqual({ ok: true, note: 0, appliedValue: 0 });
    expect(decodeWire(mockPort.recording).map((message) => message.name)).toEqual([
      'HELLO',
      'SET_DEPTH',
      'ARM',
      'STOP',
    ]);

    pen.sendTelemetry({ strokeCount: 42 });
    await run(2);
    expect(strokes).toEqual([42]);

    const reasons: string[] = [];
    link.onLinkDead((reason) => reasons.push(reason));
    await new Promise<void>((resolve) => stream.close(() => resolve()));
    expect(reasons).toEqual(['PORT_CLOSED']);
    expect(link.realtime('STOP')).toBe(false);
    await expect(link.command('HOME', {})).rejects.toMatchObject({ code: 'PORT_CLOSED' });
  });
});
