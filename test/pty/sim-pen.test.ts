// `mnpen sim-pen` as a user runs it, on a socat pty: a derived cartridge that arms, and a lost host reported and waited for.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, expect, it } from 'vitest';
import { SeededRandom, drawPenDefaults } from '../../sim/index.js';
import { MESSAGES, PROTOCOL_VERSION, type Message } from '../../src/protocol/index.js';
import { tempDir } from '../support/cli.js';
import { RawHost, openPtyPair, type PtyPair } from '../support/pty-pair.js';
import { describeWithPrograms } from '../support/system-programs.js';

const BIN = new URL('../../bin/mnpen.js', import.meta.url).pathname;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

let child: ChildProcess | undefined;
const pairs: PtyPair[] = [];
afterEach(async () => {
  if (child?.exitCode === null) child.kill('SIGKILL');
  for (const pair of pairs.splice(0)) await pair.kill();
});

/** Starts `mnpen sim-pen` and collects its stderr. */
function startSimPen(args: readonly string[]): { stderr: () => string } {
  let stderr = '';
  child = spawn(process.execPath, [BIN, 'sim-pen', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return { stderr: () => stderr };
}

async function until(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
  for (let waited = 0; !predicate(); waited += 20) {
    if (waited > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** HELLO, SET_DEPTH, ARM, then STOP; returns INFO and the ARM's answer. */
async function armOnce(host: RawHost): Promise<{ info: Message; arm: Message }> {
  const from = host.received.length;
  host.send('HELLO', 0, { protocolVersion: PROTOCOL_VERSION });
  const info = await host.waitFor((m) => m.name === 'INFO', 2000, from);
  const seq = info.name === 'INFO' ? info.payload.nextSeq : 0;
  host.send('SET_DEPTH', seq, { depthUm: 250 });
  host.send('ARM', (seq + 1) & 0xffff, {});
  const arm = await host.waitFor(
    (m) =>
      (m.name === 'ACK' && m.payload.ackedType === MESSAGES.ARM.type) ||
      (m.name === 'NAK' && m.payload.refusedType === MESSAGES.ARM.type),
    2000,
    from,
  );
  host.send('STOP', (seq + 2) & 0xffff, {});
  return { info, arm };
}

describeWithPrograms(['socat'], 'mnpen sim-pen on a pty', () => {
  it('arms without --cartridge (a cartridge derived from the seed); a lost host is reported and the next one served', async () => {
    const dir = tempDir('mnpen-simpen-');
    const first = await openPtyPair(dir);
    pairs.push(first);
    const simPen = startSimPen(['--port', first.penPath, '--seed', '7']);
    await until(() => simPen.stderr().includes('Ctrl-C to stop'), 15_000, 'sim-pen to start');
    const derived = drawPenDefaults(new SeededRandom(7)).cartridge;
    expect(simPen.stderr()).toContain(`cartridge ${derived.id} (12 needles)`);
    await sleep(1200); // boot self-test and homing, in real time

    const host = await RawHost.open(first.hostPath);
    const { info, arm } = await armOnce(host);
    expect(info).toMatchObject({ name: 'INFO', payload: { cartridgeId: derived.id, needleCount: 12 } });
    expect(arm).toMatchObject({ name: 'ACK', payload: { ackedType: MESSAGES.ARM.type } });
    expect(simPen.stderr()).toContain('host connected');
    await host.close();
    await until(() => simPen.stderr().includes('host lost (nothing received'), 5000, 'a quiet host to be reported');

    await first.kill();
    await until(() => simPen.stderr().includes('host lost (port closed)'), 5000, 'the lost port to be reported');
    await sleep(700);
    expect(child?.exitCode).toBeNull();

    const second = await openPtyPair(dir);
    pairs.push(second);
    await until(() => simPen.stderr().includes('open again'), 5000, 'the port to be reopened');
    const next = await RawHost.open(second.hostPath);
    const again = await armOnce(next);
    expect(again.info).toMatchObject({ name: 'INFO', payload: { protocolVersion: PROTOCOL_VERSION } });
    expect(again.arm).toMatchObject({ name: 'ACK' });
    await next.close();

    const exited = new Promise<number | null>((resolve) => child?.once('exit', (code) => resolve(code)));
    child?.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(simPen.stderr()).not.toMatch(/Error|Unhandled|Canceled/);
  }, 40_000);
});
