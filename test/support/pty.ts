// A socat pty pair for real-serial tests: two linked paths, the pen's end and the host's end.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export interface PtyPair {
  readonly penPath: string;
  readonly hostPath: string;
  close(): void;
}

/** Starts `socat` with a linked pty pair in `dir`; resolves once both paths exist. Needs socat (describeWithPrograms). */
export async function openPtyPair(dir: string): Promise<PtyPair> {
  const penPath = join(dir, 'pen');
  const hostPath = join(dir, 'host');
  const socat: ChildProcess = spawn('socat', [`pty,raw,echo=0,link=${penPath}`, `pty,raw,echo=0,link=${hostPath}`], {
    stdio: 'ignore',
  });
  for (let waited = 0; !(existsSync(penPath) && existsSync(hostPath)); waited += 20) {
    if (waited > 5000) throw new Error('socat did not create the pty pair');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { penPath, hostPath, close: () => socat.kill('SIGTERM') };
}
