// Test support for real serial ports: a socat pty pair, a raw host that speaks frames over one end, and mnpen CLI children.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { SerialPortStream } from '@serialport/stream';
import { encodeFrame, slipEncode, type Message, type MessageName, type Payload } from '../../src/protocol/index.js';
import { FrameReader } from '../../src/transport/index.js';
import { closePenPort, openPenPort } from '../../src/wiring/open-port.js';
import { packageRoot } from '../../src/desktop/page-assets.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A linked pty pair made by socat (`pen` and `host` symlinks in `dir`). */
export interface PtyPair {
  readonly penPath: string;
  readonly hostPath: string;
  readonly socat: ChildProcess;
  /** Kills socat: both ptys vanish. */
  kill(): Promise<void>;
  /** Kills socat without waiting (for afterEach). */
  close(): void;
}

/** Starts socat and waits (up to 5 s) for both links. Throws Error when they do not appear. */
export async function openPtyPair(dir: string): Promise<PtyPair> {
  const penPath = join(dir, 'pen');
  const hostPath = join(dir, 'host');
  const socat = spawn('socat', [`pty,raw,echo=0,link=${penPath}`, `pty,raw,echo=0,link=${hostPath}`], {
    stdio: 'ignore',
  });
  for (let waited = 0; !(existsSync(penPath) && existsSync(hostPath)); waited += 20) {
    if (waited > 5000) throw new Error('socat did not create the pty pair');
    await sleep(20);
  }
  return {
    penPath,
    hostPath,
    socat,
    kill: async () => {
      if (socat.exitCode !== null || socat.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => socat.once('exit', () => resolve()));
      socat.kill('SIGTERM');
      await exited;
    },
    close: () => void socat.kill('SIGTERM'),
  };
}

/** A host that writes raw frames to a real port and collects the pen's messages, in real time. */
export class RawHost {
  readonly received: Message[] = [];

  private constructor(readonly port: SerialPortStream) {
    const reader = new FrameReader((message) => this.received.push(message));
    port.on('data', (chunk: Buffer) => reader.push(chunk));
    port.on('error', () => {});
  }

  /** Opens `path` (a pty end) through serialport. */
  static async open(path: string): Promise<RawHost> {
    return new RawHost(await openPenPort({ kind: 'path', path }));
  }

  /** Writes one frame. */
  send<N extends MessageName>(name: N, seq: number, payload: Payload<N>): void {
    this.port.write(Buffer.from(slipEncode(encodeFrame(name, seq, payload))));
  }

  /** Writes raw bytes. */
  write(bytes: Uint8Array): void {
    this.port.write(Buffer.from(bytes));
  }

  /** Waits (real time) for a message after index `from` matching `predicate`; throws Error after `timeoutMs`. */
  async waitFor(predicate: (message: Message) => boolean, timeoutMs = 2000, from = 0): Promise<Message> {
    for (let waited = 0; waited <= timeoutMs; waited += 5) {
      const found = this.received.slice(from).find(predicate);
      if (found !== undefined) return found;
      await sleep(5);
    }
    throw new Error(`no matching frame from the pen within ${timeoutMs} ms`);
  }

  close(): Promise<void> {
    return closePenPort(this.port);
  }
}

/** A running `mnpen` child: its output so far and its exit. */
export interface CliChild {
  readonly process: ChildProcess;
  readonly output: { stdout: string; stderr: string };
  readonly exited: Promise<number>;
}

/** Spawns `node bin/mnpen.js ...argv` in the repository root. */
export function spawnCli(argv: readonly string[]): CliChild {
  const child = spawn(process.execPath, ['bin/mnpen.js', ...argv], {
    cwd: packageRoot(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  child.stdout.setEncoding('utf8').on('data', (text: string) => (output.stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (output.stderr += text));
  const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
  return { process: child, output, exited };
}

/** Waits until `predicate(output)` holds; throws Error (with the output) after `timeoutMs`. */
export async function waitForOutput(child: CliChild, predicate: (stdout: string) => boolean, timeoutMs = 15_000) {
  const startedAt = Date.now();
  while (!predicate(child.output.stdout)) {
    if (Date.now() - startedAt > timeoutMs) throw new Error(`no expected output: ${JSON.stringify(child.output)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
