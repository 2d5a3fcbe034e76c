// A real pty pair (socat): the simulated pen on one end in real time, `mnpen session --port` on the other.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { startRealtimePen, type RealtimePen } from '../../sim/realtime-pen.js';
import { Sku } from '../../src/protocol/index.js';
import { openStore } from '../../src/store/index.js';
import { closePenPort, openPenPort } from '../../src/wiring/open-port.js';
import { runCli, screening, tempDir, writeJson } from '../support/cli.js';
import { describeWithPrograms } from '../support/system-programs.js';

let socat: ChildProcess | undefined;
let pen: RealtimePen | undefined;
afterEach(() => {
  pen?.stop();
  socat?.kill('SIGTERM');
});

async function ptyPair(dir: string): Promise<{ penPath: string; hostPath: string }> {
  const penPath = join(dir, 'pen');
  const hostPath = join(dir, 'host');
  socat = spawn('socat', [`pty,raw,echo=0,link=${penPath}`, `pty,raw,echo=0,link=${hostPath}`], { stdio: 'ignore' });
  for (let waited = 0; !(existsSync(penPath) && existsSync(hostPath)); waited += 20) {
    if (waited > 5000) throw new Error('socat did not create the pty pair');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { penPath, hostPath };
}

describeWithPrograms(['socat'], 'real serial port (pty)', () => {
  it('S5: a session over a pty completes with the pass limit enforced, in real time, through serialport', async () => {
    const dir = tempDir('mnpen-pty-');
    const { penPath, hostPath } = await ptyPair(dir);
    const penPort = await openPenPort({ kind: 'path', path: penPath });
    pen = startRealtimePen({
      port: penPort,
      sku: Sku.HOME,
      seed: 7,
      cartridge: { id: 9001, needleCount: 16 },
      operatorAreas: [{ area: 'cheeks', passes: 3 }],
      operatorTiming: {
        glideMs: { min: 300, max: 500 },
        liftOffMs: { min: 250, max: 350 },
        areaChangeMs: { min: 200, max: 300 },
        bouncesPerPass: { min: 0, max: 1 },
      },
    });
    const db = join(dir, 'mnpen.db');
    const store = openStore(db);
    store.upsertClient({ clientId: 'pty-client', birthYear: 1985 });
    store.recordPatchTest('pty-client', Date.now() - 3 * 24 * 3600_000, 'jawline');
    store.close();
    const answers = writeJson(dir, 'screening.json', screening(new Date(Date.now() - 3600_000).toISOString(), 1985));
    const plan = writeJson(dir, 'plan.json', { mode: 'home', areas: [{ area: 'cheeks', depthMm: 0.25, passes: 2 }] });
    const run = await runCli([
      'session',
      '--port',
      hostPath,
      '--plan',
      plan,
      '--client',
      'pty-client',
      '--screening',
      answers,
      '--db',
      db,
      '--json',
    ]);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    const summary = run.json<{
      outcome: string;
      pen: { cartridgeId: number };
      areas: { passes: number; punctures: number; maxMeasuredDepthUm: number }[];
    }>();
    expect(summary, run.stdout).toMatchObject({ outcome: 'completed' });
    expect(summary.pen.cartridgeId).toBe(9001);
    expect(summary.areas[0]!.passes).toBe(2);
    expect(summary.areas[0]!.punctures).toBeGreaterThan(0);
    expect(summary.areas[0]!.maxMeasuredDepthUm).toBeLessThanOrEqual(255);
    expect(pen.pen.hardware.actuator.physicalUm).toBeLessThanOrEqual(250);
    pen.stop();
    await closePenPort(penPort);
  }, 60_000);
});
