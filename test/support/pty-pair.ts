// A real pty pair made by socat (both ends open with serialport by path), and mnpen CLI child processes around it.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/desktop/page-assets.js';

/** A linked pty pair: `penPath` for the simulated pen, `hostPath` for the controller. */
export interface PtyPair {
  readonly penPath: string;
  readonly hostPath: string;
  close(): void;
}

/** Starts socat with two linked ptys in `dir`; resolves once both links exist. Throws Error after 5 s. */
export async function openPtyPair(dir: string): Promise<PtyPair> {
  const penPath = join(dir, 'pen');
  const hostPath = join(dir, 'host');
  const socat = spawn('socat', [`pty,raw,echo=0,link=${penPath}`, `pty,raw,echo=0,link=${hostPath}`], {
    stdio: 'ignore',
  });
  for (let waited = 0; !(existsSync(penPath) && existsSync(hostPath)); waited += 20) {
    if (waited > 5000) {
      socat.kill('SIGTERM');
      throw new Error('socat did not create the pty pair');
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { penPath, hostPath, close: () => void socat.kill('SIGTERM') };
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
