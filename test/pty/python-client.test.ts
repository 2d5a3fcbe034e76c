// A client written in Python from docs/protocol.md alone drives `mnpen sim-pen` over a socat pty: the document is enough.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, expect, it } from 'vitest';
import { tempDir } from '../support/cli.js';
import { openPtyPair, type PtyPair } from '../support/pty-pair.js';
import { describeWithPrograms } from '../support/system-programs.js';

const BIN = new URL('../../bin/mnpen.js', import.meta.url).pathname;
const CLIENT = new URL('./python-client/mnpen_client.py', import.meta.url).pathname;
const DOC = new URL('../../docs/protocol.md', import.meta.url).pathname;
const PYTHON = '/usr/bin/python3';
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

let simPen: ChildProcess | undefined;
let pair: PtyPair | undefined;
afterEach(async () => {
  if (simPen?.exitCode === null) simPen.kill('SIGKILL');
  await pair?.kill();
});

describeWithPrograms(['socat', 'python3-serial'], 'independent Python client (docs/protocol.md only)', () => {
  it('S14 S15: speaks to mnpen sim-pen from the document: vectors, HELLO, clamps, duplicates, STOP races, lease, version 1 refused', async () => {
    pair = await openPtyPair(tempDir('mnpen-python-'));
    let stderr = '';
    simPen = spawn(process.execPath, [BIN, 'sim-pen', '--port', pair.penPath, '--seed', '11'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    simPen.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    for (let waited = 0; !stderr.includes('Ctrl-C to stop'); waited += 20) {
      if (waited > 15_000) throw new Error(`sim-pen did not start: ${stderr}`);
      await sleep(20);
    }
    await sleep(1200);
    const client = spawn(PYTHON, [CLIENT, pair.hostPath, DOC], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    client.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    client.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => client.once('exit', (exit) => resolve(exit)));
    expect(output).toContain('PASS');
    expect(code, output).toBe(0);
    expect(output.match(/^ok /gm)?.length ?? 0).toBeGreaterThan(30);
  }, 60_000);
});
