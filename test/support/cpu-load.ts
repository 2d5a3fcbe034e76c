// CPU-bound child processes beside a real-time test: a loaded host (other programs, a busy renderer).
import { spawn, type ChildProcess } from 'node:child_process';
import { HOST_NICE, trySetNice } from './rig-priority.js';

/** Starts `count` processes that spin forever at an ordinary desktop priority; returns the function that kills them. */
export function startCpuLoad(count: number): () => void {
  const children: ChildProcess[] = [];
  for (let i = 0; i < count; i++) {
    const child = spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
    trySetNice(child.pid ?? 0, HOST_NICE);
    children.push(child);
  }
  return () => {
    for (const child of children) child.kill('SIGKILL');
  };
}
