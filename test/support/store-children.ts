// Test support: child processes speaking JSON lines (store-claim-child, store-lock-child), started with tsx.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export type Reply = { op: string; ok?: boolean; code?: string; message?: string } & Record<string, unknown>;

/** One child: send commands, await its replies in order. */
export class JsonChild {
  private readonly replies: Reply[] = [];
  private readonly waiting: ((reply: Reply) => void)[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private stderr = '';

  private constructor(readonly process: ChildProcess) {
    createInterface({ input: process.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      const reply = JSON.parse(line) as Reply;
      const waiter = this.waiting.shift();
      if (waiter === undefined) this.replies.push(reply);
      else waiter(reply);
    });
    process.stderr?.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString();
    });
    this.exited = new Promise((resolve) => process.on('close', (code, signal) => resolve({ code, signal })));
  }

  /** Starts `test/support/<script>` with `args` and waits for its `ready` line. */
  static async start(script: string, args: readonly string[]): Promise<JsonChild> {
    const path = fileURLToPath(new URL(`./${script}`, import.meta.url));
    const child = new JsonChild(
      spawn(process.execPath, ['--import', 'tsx', path, ...args], { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] }),
    );
    const ready = await Promise.race([child.next(), child.exited.then(() => null)]);
    if (ready?.op !== 'ready') throw new Error(`${script} did not start: ${child.stderr}`);
    return child;
  }

  /** The next reply (queued or awaited). */
  next(): Promise<Reply> {
    const queued = this.replies.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  send(command: object): void {
    this.process.stdin?.write(`${JSON.stringify(command)}\n`);
  }

  request(command: object): Promise<Reply> {
    this.send(command);
    return this.next();
  }

  /** Asks it to close its store and exit; resolves when it has. */
  async stop(): Promise<void> {
    this.send({ op: 'exit' });
    await this.exited;
  }
}
