// SIGTERM and SIGHUP to `mnpen session --port` act like Ctrl-C: STOP to the pen at once, the session ended and recorded.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { startRealtimePen, type RealtimePen } from '../../sim/realtime-pen.js';
import { Sku } from '../../src/protocol/index.js';
import { openStore } from '../../src/store/index.js';
import { closePenPort, openPenPort } from '../../src/wiring/open-port.js';
import { screening, tempDir, writeJson } from '../support/cli.js';
import { openPtyPair, type PtyPair } from '../support/pty-pair.js';
import { describeWithPrograms } from '../support/system-programs.js';

let pair: PtyPair | undefined;
let pen: RealtimePen | undefined;
afterEach(() => {
  pen?.stop();
  pair?.close();
});

describeWithPrograms(['socat'], 'stop signals on a real serial port (pty)', () => {
  it.each(['SIGTERM', 'SIGHUP'] as const)(
    'S10 S8: %s mid-pass stops the motor well before the lease, and the session is recorded as aborted',
    async (signal) => {
      const dir = tempDir('mnpen-signal-');
      pair = await openPtyPair(dir);
      const penPort = await openPenPort({ kind: 'path', path: pair.penPath });
      pen = startRealtimePen({
        port: penPort,
        sku: Sku.HOME,
        seed: 8,
        cartridge: { id: 9101, needleCount: 16 },
        operatorAreas: [{ area: 'cheeks', passes: 6 }],
        operatorTiming: {
          glideMs: { min: 2000, max: 2500 },
          liftOffMs: { min: 400, max: 500 },
          areaChangeMs: { min: 200, max: 300 },
          bouncesPerPass: { min: 0, max: 0 },
        },
      });
      const db = join(dir, 'mnpen.db');
      const store = openStore(db);
      store.upsertClient({ clientId: 'sig-client', birthYear: 1985 });
      store.recordPatchTest('sig-client', Date.now() - 3 * 24 * 3600_000, 'jawline');
      store.close();
      const answers = writeJson(dir, 'screening.json', screening(new Date(Date.now() - 3600_000).toISOString(), 1985));
      const plan = writeJson(dir, 'plan.json', { mode: 'home', areas: [{ area: 'cheeks', depthMm: 0.25, passes: 6 }] });
      const child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          'src/cli/main.ts',
          'session',
          '--port',
          pair.hostPath,
          '--plan',
          plan,
          '--client',
          'sig-client',
          '--screening',
          answers,
          '--db',
          db,
        ],
        { stdio: 'ignore' },
      );
      // NOTE: listen from the spawn: on a loaded host the child can exit while the loop below still polls.
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      const hardware = pen.pen.hardware;
      const started = Date.now();
      while (!(hardware.motor.commandHz > 0 && hardware.skin.isInContact)) {
        if (Date.now() - started > 20_000) throw new Error('the session never reached a pass');
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      const signalledAt = performance.now();
      child.kill(signal);
      while (hardware.motor.commandHz > 0) {
        if (performance.now() - signalledAt > 1000) break;
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      const motorOffMs = performance.now() - signalledAt;
      const exitCode = await exited;
      console.log(`${signal}: motor off ${motorOffMs.toFixed(1)} ms after the signal`);
      // NOTE: the lease alone would stop it only after 200 ms; the STOP must come first.
      expect(motorOffMs).toBeLessThan(150);
      expect(exitCode).toBe(1);
      const after = openStore(db);
      const session = after.history('sig-client')[0]!;
      after.close();
      expect(session.outcome).toBe('aborted');
      expect(session.areas[0]!.passesOpened).toBeGreaterThanOrEqual(1);
      pen.stop();
      await closePenPort(penPort);
    },
    60_000,
  );
});
