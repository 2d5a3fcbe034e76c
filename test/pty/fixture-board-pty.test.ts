// The emulated fixture board on a real pty (socat), driven from outside by a separate, plain johnny-five + firmata-io process.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { SerialPort } from 'serialport';
import { afterEach, expect, it } from 'vitest';
import { startRealtimeFixtureBoard, type RealtimeFixtureBoard } from '../../sim/fixture-board/index.js';
import { PenSimulation, SeededRandom } from '../../sim/index.js';
import { DEFAULT_FIXTURE_CONFIG } from '../../src/bench/fixtures/fixture-config.js';
import { Sku } from '../../src/protocol/index.js';
import { tempDir } from '../support/cli.js';
import { describeWithPrograms } from '../support/system-programs.js';

const children: ChildProcess[] = [];
let board: RealtimeFixtureBoard | undefined;
let boardPort: SerialPort | undefined;
afterEach(async () => {
  board?.stop();
  if (boardPort?.isOpen) await new Promise((resolve) => boardPort!.close(resolve));
  for (const child of children.splice(0)) child.kill('SIGTERM');
});

async function until(predicate: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  for (let waited = 0; !predicate(); waited += 10) {
    if (waited > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describeWithPrograms(['socat'], 'emulated fixture board on a pty', () => {
  it('an unchanged johnny-five process drives the arm, relay and LED, reads the gauge and sees the e-stop', async () => {
    const dir = tempDir('mnpen-fixture-pty-');
    const boardPath = join(dir, 'board');
    const hostPath = join(dir, 'host');
    children.push(
      spawn('socat', [`pty,raw,echo=0,link=${boardPath}`, `pty,raw,echo=0,link=${hostPath}`], { stdio: 'ignore' }),
    );
    await until(() => existsSync(boardPath) && existsSync(hostPath), 'socat to create the pty pair');
    boardPort = new SerialPort({ path: boardPath, baudRate: 57600 });
    await new Promise<void>((resolve, reject) => boardPort!.once('open', resolve).once('error', reject));
    const { pen } = PenSimulation.create({ seed: 5, sku: Sku.HOME });
    const { arm } = DEFAULT_FIXTURE_CONFIG;
    board = startRealtimeFixtureBoard({
      port: boardPort,
      pen,
      pins: DEFAULT_FIXTURE_CONFIG.pins,
      random: new SeededRandom(5),
      contactDeg: arm.liftDeg + (arm.pressDeg - arm.liftDeg) * 0.7,
    });
    const { rig } = board;

    const client = spawn(
      process.execPath,
      [new URL('../support/j5-fixture-client.cjs', import.meta.url).pathname, hostPath],
      {
        stdio: ['pipe', 'pipe', 'inherit'],
      },
    );
    children.push(client);
    const messages: Record<string, unknown>[] = [];
    createInterface({ input: client.stdout! }).on('line', (line) =>
      messages.push(JSON.parse(line) as Record<string, unknown>),
    );
    const seen = (key: string, value?: unknown): boolean =>
      messages.some((m) => key in m && (value === undefined || m[key] === value));
    const send = async (command: string): Promise<Record<string, unknown>> => {
      const before = messages.length;
      client.stdin!.write(`${command}\n`);
      await until(() => messages.slice(before).some((m) => m.done === command), `the client to do ${command}`);
      return messages.slice(before).find((m) => m.done === command)!;
    };

    await until(() => seen('opened'), 'the client to open its end');
    board.reset();
    await until(() => seen('ready'), 'johnny-five to be ready', 10_000);
    expect(messages.find((m) => m.ready)).toMatchObject({
      firmware: 'StandardFirmata.ino',
      version: { major: 2, minor: 5 },
    });
    expect(messages.filter((m) => m.error)).toEqual([]);

    expect(pen.isSupplied).toBe(false);
    await send('power-on');
    await until(() => pen.isSupplied, 'the relay to power the pen');
    await send('press');
    await until(() => pen.hardware.readSkinContact(), 'the arm to press the pen onto the pad');
    await send('lift');
    await until(() => !pen.hardware.readSkinContact(), 'the arm to lift the pen');

    rig.placeBlock(1000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const { counts } = await send('gauge');
    expect(Math.abs((counts as number) - (21 + 1000 / 2.44))).toBeLessThanOrEqual(3);
    rig.removeBlock();

    rig.setEstopPressed(true);
    await until(() => seen('event', 'estop-press'), 'johnny-five to see the e-stop press');
    rig.setEstopPressed(false);
    await until(() => seen('event', 'estop-release'), 'johnny-five to see the release');

    await send('led-on');
    await until(() => rig.isLedOn, 'the LED to light');
    await send('power-off');
    await until(() => !pen.isSupplied, 'the relay to cut the pen');
    client.stdin!.write('quit\n');
    await new Promise((resolve) => client.once('exit', resolve));
  }, 60_000);
});
