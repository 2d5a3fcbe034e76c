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

/** What a run of claim trials saw. */
export interface ClaimTally {
  won: number;
  refused: Record<string, number>;
  internal: string[];
}

/** One trial: every child claims at the same wall-clock moment; the losers then try to begin a session; the winner runs one. */
export async function claimTrial(
  children: readonly JsonChild[],
  client: string,
  cartridgeId: number,
  tally: ClaimTally,
): Promise<void> {
  const atMs = Date.now() + 30;
  const replies = await Promise.all(children.map((child) => child.request({ op: 'claim', client, atMs })));
  const count = (reply: Reply) => {
    if (reply.ok === true) return;
    if (reply.code === 'INTERNAL' || reply.code === undefined) tally.internal.push(String(reply.message));
    else tally.refused[reply.code] = (tally.refused[reply.code] ?? 0) + 1;
  };
  replies.forEach(count);
  const winners = children.filter((_, index) => replies[index]?.ok === true);
  tally.won += winners.length;
  const losers = children.filter((_, index) => replies[index]?.ok !== true);
  const begins = await Promise.all(losers.map((child) => child.request({ op: 'begin', client })));
  for (const reply of begins) {
    if (reply.ok === true) tally.internal.push(`a loser began session ${String(reply.sessionId)}`);
    else if (reply.code !== 'CLIENT_IN_SESSION')
      tally.internal.push(`a loser's begin: ${reply.code}: ${reply.message}`);
  }
  for (const winner of winners) {
    const session = await winner.request({ op: 'session', client, cartridgeId });
    if (session.opened !== 6 || session.refusedAt !== 'PASS_LIMIT_REACHED')
      tally.internal.push(`session: ${JSON.stringify(session)}`);
  }
}
