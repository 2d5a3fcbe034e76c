// A loaded host (3 CPU-bound processes, a 120 ms main-thread stall every second): a real-time session over a pty still completes (S10).
import { afterEach, expect, it } from 'vitest';
import { HOST_STALL_BOUND_MS, LEASE_MS } from '../../src/limits/index.js';
import { startCpuLoad } from '../support/cpu-load.js';
import { startPtySession, type PtySession } from '../support/pty-session.js';
import { describeWithPrograms } from '../support/system-programs.js';

const STALL_MS = 120;
let session: PtySession | undefined;
let stopLoad: (() => void) | undefined;
afterEach(async () => {
  stopLoad?.();
  await session?.close();
});

describeWithPrograms(['socat'], 'a session on a loaded host (pty)', () => {
  it(`S10: with 3 CPU-bound processes and a ${STALL_MS} ms main-thread stall every second, a home session completes with no LINK_DEAD`, async () => {
    expect(STALL_MS).toBeLessThan(HOST_STALL_BOUND_MS);
    stopLoad = startCpuLoad(3);
    session = await startPtySession({
      clientId: 'loaded-client',
      seed: 11,
      plan: { mode: 'home', areas: [{ area: 'cheeks', depthMm: 0.25, passes: 4 }] },
      operatorPasses: 4,
      operatorTiming: {
        glideMs: { min: 500, max: 700 },
        liftOffMs: { min: 250, max: 350 },
        areaChangeMs: { min: 200, max: 300 },
        bouncesPerPass: { min: 0, max: 1 },
      },
      env: { MNPEN_TEST_STALL: `${STALL_MS}:1000` },
    });
    const code = await session.exited;
    stopLoad();
    const { stdout, stderr } = session.output;
    const summary = JSON.parse(stdout) as {
      outcome: string;
      faults: { reason: string; detail: string }[];
      areas: { passes: number }[];
    };
    const stalls = Number(/main-thread stalls: (\d+) x/.exec(stderr)?.[1] ?? 0);
    const maxGapMs = session.watch.maxHostGapWhileDrivingMs();
    console.log(
      `loaded host: ${stalls} stalls of ${STALL_MS} ms; largest gap between host bytes at the pen while driving ${maxGapMs} ms (lease ${LEASE_MS} ms); rig prioritized: ${session.rigPrioritized}`,
    );
    expect(stalls, stderr).toBeGreaterThanOrEqual(2);
    expect(summary.faults, stdout).toEqual([]);
    expect(summary.outcome).toBe('completed');
    expect(summary.areas[0]!.passes).toBe(4);
    expect(code).toBe(0);
  }, 60_000);
});
