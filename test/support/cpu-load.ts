// CPU-bound child processes beside a real-time test: a loaded host (other programs, a busy renderer).
import { spawn, type ChildProcess } from 'node:child_process';

/** Starts `count` processes that spin forever; returns the function that kills them. */
export function startCpuLoad(count: number): () => void {
  const children: ChildProcess[] = [];
  for (let i = 0; i < count; i++) {
    children.push(spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
  }
  return () => {
    for (const child of children) child.kill('SIGKILL');
  };
}
