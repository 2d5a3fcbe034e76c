// A frozen host (SIGSTOP past the stall bound): the pen's lease lapses and it is safe; once the host resumes the session ends by a fault (S10).
import { afterEach, expect, it } from 'vitest';
import { HOST_STALL_BOUND_MS, LEASE_MS } from '../../src/limits/index.js';
import { openStore } from '../../src/store/index.js';
import { startPtySession, type PtySession } from '../support/pty-session.js';
import { describeWithPrograms } from '../support/system-programs.js';

/** The firmware's tick: the pen judges its lease once per ms (docs/protocol.md "Drive lease"). */
const TICK_MS = 1;
/** docs/protocol.md: needles fully retracted within lease + 1 tick + 2 ms lag + depth / 20 um/ms. */
const RETRACTED_AFTER_LEASE_MS = TICK_MS + 2 + 250 / 20;
const FROZEN_MS = HOST_STALL_BOUND_MS + LEASE_MS + 300;

let session: PtySession | undefined;
afterEach(async () => {
  await session?.close();
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describeWithPrograms(['socat'], 'a frozen host (pty)', () => {
  it(`S10: a host frozen by SIGSTOP for ${FROZEN_MS} ms: motor off and needles retracting within lease + one tick of its last bytes, the session recorded as ended by a fault after SIGCONT`, async () => {
    session = await startPtySession({
      clientId: 'frozen-client',
      seed: 12,
      plan: { mode: 'home', areas: [{ area: 'cheeks', depthMm: 0.25, passes: 6 }] },
      operatorPasses: 6,
      operatorTiming: {
        glideMs: { min: 2000, max: 2500 },
        liftOffMs: { min: 400, max: 500 },
        areaChangeMs: { min: 200, max: 300 },
        bouncesPerPass: { min: 0, max: 0 },
      },
    });
    const { pen, watch, child } = session;
    const hardware = pen.pen.hardware;
    const started = Date.now();
    while (!(hardware.motor.commandHz > 0 && hardware.skin.isInContact && hardware.actuator.physicalUm > 200)) {
      if (Date.now() - started > 20_000 || child.exitCode !== null) {
        throw new Error(`the session never reached a pass: ${session.output.stderr} ${session.output.stdout}`);
      }
      await sleep(5);
    }
    const stoppedAtMs = pen.pen.uptimeMs;
    child.kill('SIGSTOP');
    await sleep(FROZEN_MS);
    // NOTE: the lease runs from the last HEARTBEAT's arrival; bytes the host wrote before the freeze may still arrive after it.
    const motorOffMs = watch.motorOffAtMs.find((atMs) => atMs >= stoppedAtMs);
    const lastHostBytesMs = watch.hostBytesAtMs.filter((atMs) => atMs < (motorOffMs ?? Infinity)).at(-1)!;
    const retractedMs = watch.retractedAtMs.find((atMs) => atMs >= (motorOffMs ?? Infinity));
    child.kill('SIGCONT');
    const code = await session.exited;
    expect(motorOffMs, 'the motor ran on through the freeze').toBeDefined();
    expect(retractedMs, 'the needles were not retracted').toBeDefined();
    const offAfterMs = motorOffMs! - lastHostBytesMs;
    const retractedAfterMs = retractedMs! - lastHostBytesMs;
    console.log(
      `frozen host: motor off ${motorOffMs! - stoppedAtMs} ms and needles retracted ${retractedMs! - stoppedAtMs} ms after SIGSTOP; ` +
        `${offAfterMs} ms and ${retractedAfterMs} ms after the host's last bytes reached the pen (lease ${LEASE_MS} ms, pen ms); rig prioritized: ${session.rigPrioritized}`,
    );
    // NOTE: pen ticks, not wall time: the pen renews its lease only on a HEARTBEAT, and the host's last bytes are no earlier than it.
    expect(offAfterMs).toBeLessThanOrEqual(LEASE_MS + TICK_MS);
    expect(retractedAfterMs).toBeLessThanOrEqual(LEASE_MS + RETRACTED_AFTER_LEASE_MS);
    expect(hardware.motor.commandHz).toBe(0);
    expect(code).toBe(1);
    const summary = JSON.parse(session.output.stdout) as {
      outcome: string;
      faults: { reason: string; detail: string }[];
    };
    expect(summary.outcome).toBe('fault');
    const store = openStore(session.db);
    const record = store.history('frozen-client')[0]!;
    store.close();
    expect(record.outcome).toBe('fault');
    expect(record.faults.length).toBeGreaterThanOrEqual(1);
    console.log(
      `frozen host: recorded faults ${JSON.stringify(record.faults.map((fault) => [fault.code, fault.detail]))}`,
    );
  }, 60_000);
});
