// A real pty pair (socat): the simulated pen on one end in real time, `mnpen session --port` (a child process) on the other.
import { afterEach, expect, it } from 'vitest';
import { startPtySession, type PtySession } from '../support/pty-session.js';
import { describeWithPrograms } from '../support/system-programs.js';

let session: PtySession | undefined;
afterEach(async () => {
  await session?.close();
});

describeWithPrograms(['socat'], 'real serial port (pty)', () => {
  it('S5: a session over a pty completes with the pass limit enforced, in real time, through serialport on the host', async () => {
    // NOTE: the controller runs in its own process, as on a real pen: the pen's loop never shares its thread (decision 0008).
    session = await startPtySession({
      clientId: 'pty-client',
      seed: 7,
      plan: { mode: 'home', areas: [{ area: 'cheeks', depthMm: 0.25, passes: 2 }] },
      operatorPasses: 3,
      operatorTiming: {
        glideMs: { min: 300, max: 500 },
        liftOffMs: { min: 250, max: 350 },
        areaChangeMs: { min: 200, max: 300 },
        bouncesPerPass: { min: 0, max: 1 },
      },
    });
    const code = await session.exited;
    const { stdout, stderr } = session.output;
    expect(code, stderr + stdout).toBe(0);
    const summary = JSON.parse(stdout) as {
      outcome: string;
      pen: { cartridgeId: number };
      areas: { passes: number; punctures: number; maxMeasuredDepthUm: number }[];
    };
    expect(summary, stdout).toMatchObject({ outcome: 'completed' });
    expect(summary.pen.cartridgeId).toBe(9207);
    expect(summary.areas[0]!.passes).toBe(2);
    expect(summary.areas[0]!.punctures).toBeGreaterThan(0);
    expect(summary.areas[0]!.maxMeasuredDepthUm).toBeLessThanOrEqual(255);
    expect(session.pen.pen.hardware.actuator.physicalUm).toBeLessThanOrEqual(250);
  }, 60_000);
});
