// `mnpen bench run --port PATH --fixture firmata:PATH` end to end: the simulated pen on one pty, the emulated fixture board on another, one pen physics under both, in real time.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { SerialPort } from 'serialport';
import { afterEach, expect, it } from 'vitest';
import type { BenchRecord } from '../../src/bench/records/record-schema.js';
import { packageRoot } from '../../src/desktop/page-assets.js';
import { Sku } from '../../src/protocol/index.js';
import { closePenPort, openPenPort } from '../../src/wiring/open-port.js';
import { tempDir } from '../support/cli.js';
import { openPtyPair, type PtyPair } from '../support/pty-pair.js';
import { startRealtimeBench, type RealtimeBench } from '../support/realtime-bench.js';
import { describeWithPrograms } from '../support/system-programs.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const pairs: PtyPair[] = [];
const ports: { close: () => Promise<void> }[] = [];
let bench: RealtimeBench | undefined;
let cli: ChildProcess | undefined;
afterEach(async () => {
  cli?.kill('SIGTERM');
  await bench?.stop();
  for (const port of ports.splice(0)) await port.close();
  for (const pair of pairs.splice(0)) pair.close();
});

/** True once process `pid` holds an open file descriptor on the device behind `path`. */
function holds(pid: number, path: string): boolean {
  const device = realpathSync(path);
  try {
    return readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`) === device;
      } catch {
        return false;
      }
    });
  } catch {
    return false;
  }
}

describeWithPrograms(['socat'], 'bench on a real pen port and a real fixture board port (ptys)', () => {
  it('S1 S2: home-cap-on-pro-pen runs unattended through --port and --fixture firmata: and PASSes; the gauge reads the pen the controller drives', async () => {
    const dir = tempDir('mnpen-bench-port-');
    mkdirSync(join(dir, 'pen'));
    mkdirSync(join(dir, 'board'));
    const penPair = await openPtyPair(join(dir, 'pen'));
    const boardPair = await openPtyPair(join(dir, 'board'));
    pairs.push(penPair, boardPair);
    const penPort = await openPenPort({ kind: 'path', path: penPair.penPath });
    ports.push({ close: () => closePenPort(penPort) });
    const boardPort = new SerialPort({ path: boardPair.penPath, baudRate: 57600 });
    await new Promise<void>((resolve, reject) => boardPort.once('open', resolve).once('error', reject));
    ports.push({ close: () => new Promise<void>((resolve) => boardPort.close(() => resolve())) });
    bench = startRealtimeBench({ penPort, boardPort, sku: Sku.PRO, seed: 11, serialNumber: 0x00c0ffee });
    const { rig, simulation } = bench;

    const outDir = join(dir, 'out');
    const startedAt = performance.now();
    const child = spawn(
      process.execPath,
      [
        'bin/mnpen.js',
        'bench',
        'run',
        'home-cap-on-pro-pen',
        '--port',
        penPair.hostPath,
        '--fixture',
        `firmata:${boardPair.hostPath}`,
        '--out',
        outDir,
        '--junit',
        join(dir, 'bench.xml'),
      ],
      { cwd: packageRoot(), stdio: ['pipe', 'pipe', 'pipe'] },
    );
    cli = child;
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    const lines: string[] = [];
    const prompts: string[] = [];
    // NOTE: the test is the person at the bench: it does what each prompt asks on the rig, then presses Enter.
    createInterface({ input: child.stdout! }).on('line', (line) => {
      lines.push(line);
      const place = /^bench: place the ([\d.]+) um block under the gauge plunger, then press Enter$/.exec(line);
      const remove = /^bench: remove the block from under the gauge plunger, then press Enter$/.test(line);
      if (place === null && !remove) return;
      prompts.push(line);
      if (place !== null) rig.placeBlock(Number(place[1]));
      else rig.removeBlock();
      setTimeout(() => child.stdin!.write('\n'), 20);
    });
    const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));

    // A pty has no DTR line: the board is reset (its banner) once the bench holds the board's port open.
    for (let waited = 0; !holds(child.pid!, boardPair.hostPath); waited += 10) {
      if (waited > 15_000) throw new Error(`the bench never opened the board port: ${lines.join('\n')}${stderr}`);
      await sleep(10);
    }
    await sleep(50);
    bench.resetBoard();

    const code = await exited;
    const wallMs = performance.now() - startedAt;
    expect(code, `${lines.join('\n')}\n${stderr}\nlongest pen catch-up ${bench.stats.longestCatchUpMs} ms`).toBe(0);
    expect(prompts.filter((p) => p.includes('place the'))).toHaveLength(3);
    expect(lines).toContain('  home-cap-on-pro-pen repeat 1: PASS');

    const recordFile = readdirSync(outDir).find((name) => name.startsWith('home-cap-on-pro-pen-'))!;
    const record = JSON.parse(readFileSync(join(outDir, recordFile), 'utf8')) as BenchRecord;
    expect(record.outcome).toBe('PASS');
    expect(record.bench).toMatchObject({ fixture: 'firmata', boardPath: boardPair.hostPath, clock: 'real' });
    expect(record.bench.boardFirmware).toMatch(/^StandardFirmata/);
    expect(record.deviceUnderTest).toMatchObject({
      target: 'port',
      sku: 'pro',
      serialNumber: 0x00c0ffee,
    });
    const { calibration } = record.bench;
    expect(calibration.source).toBe('calibrated');
    expect(Math.abs(calibration.umPerCount - 2.44)).toBeLessThan(0.05);
    const measured = Object.fromEntries(record.phases.flatMap((p) => p.measurements).map((m) => [m.name, m.value]));
    // NOTE: the gauge on the board's pty follows the needles the controller drives on the pen's pty: one pen.
    expect(measured.gauge_max_um as number).toBeGreaterThan(240);
    expect(measured.gauge_max_um as number).toBeLessThanOrEqual(262);
    expect(measured).toMatchObject({ outcome: 'completed', passes: 3 });
    expect(simulation.pen.isSupplied).toBe(false);
    console.info(
      `bench --port run: ${(wallMs / 1000).toFixed(1)} s wall, bench ${((record.benchEndMs - record.benchStartMs) / 1000).toFixed(1)} s; ` +
        `longest pen catch-up ${bench.stats.longestCatchUpMs} ms`,
    );
  }, 90_000);
});
