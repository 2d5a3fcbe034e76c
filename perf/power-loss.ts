// Power-loss simulation: the record file and its WAL copied at random instants while a child writes passes, each copy reopened and checked.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { StoreError } from '../src/store/errors.js';
import { openStore } from '../src/store/store.js';
import { SeededRandom } from '../sim/random.js';
import { tempDir } from '../test/support/store-helpers.js';

const CHILD = fileURLToPath(new URL('../test/support/store-crash-child.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
/** The files a power cut leaves: the record file, its WAL and wal-index, the chain head. */
const SUFFIXES = ['', '-wal', '-shm', '-head'] as const;

export interface PowerLossOptions {
  readonly trials: number;
  readonly seed: number;
  /** Copies taken from one writer before a fresh file and writer start (so early states recur). */
  readonly copiesPerWriter: number;
}

export interface PowerLossFigures {
  readonly trials: number;
  /** The copy opened, held every acknowledged pass, contact, close and end, invented nothing, chain intact. */
  readonly openedComplete: number;
  /** The store refused the copy with a StoreError, by code. */
  readonly refused: Record<string, number>;
  /** Copies with no record file yet (the writer had not created it): nothing acknowledged, nothing to open. */
  readonly beforeFile: number;
  readonly acknowledgedPassesChecked: number;
  /** Every way a copy disagreed with what was acknowledged or written (must be empty). */
  readonly violations: readonly string[];
  readonly wallMs: number;
}

interface Acks {
  /** passId -> "sessionId area passNumber" */
  readonly opened: Map<number, string>;
  readonly contact: Set<number>;
  readonly closed: Map<number, number>;
  readonly ended: Set<number>;
}

const emptyAcks = (): Acks => ({ opened: new Map(), contact: new Set(), closed: new Map(), ended: new Set() });
const copyAcks = (a: Acks): Acks => ({
  opened: new Map(a.opened),
  contact: new Set(a.contact),
  closed: new Map(a.closed),
  ended: new Set(a.ended),
});

function record(acks: Acks, line: string): void {
  const [tag, id, ...rest] = line.split(' ');
  const n = Number(id);
  if (tag === 'O') acks.opened.set(n, rest.join(' '));
  else if (tag === 'T') acks.contact.add(n);
  else if (tag === 'C') acks.closed.set(n, Number(rest[0]));
  else if (tag === 'E') acks.ended.add(n);
}

/** Waits (blocking, at most 1 s) until the kernel shows `pid` stopped, so the copy is one instant. */
function waitStopped(pid: number): void {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let i = 0; i < 2000; i++) {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    if (state === 'T' || state === 't') return;
    Atomics.wait(pause, 0, 0, 0.5);
  }
  throw new Error(`writer ${pid} did not stop`);
}

/** Checks one copy against what was acknowledged before it (`atCopy`) and all the writer ever wrote (`all`). */
function checkCopy(path: string, atCopy: Acks, all: Acks, label: string): { outcome: string; problems: string[] } {
  const problems: string[] = [];
  let store;
  try {
    store = openStore(path);
  } catch (error) {
    if (error instanceof StoreError) {
      if (atCopy.opened.size > 0) problems.push(`${label}: refused (${error.code}) with acknowledged passes`);
      return { outcome: error.code, problems };
    }
    return { outcome: 'UNCLEAN', problems: [`${label}: open threw ${String(error)}`] };
  }
  try {
    const integrity = store.integrityCheck();
    if (integrity !== 'ok') problems.push(`${label}: integrity ${integrity}`);
    const chain = store.verify();
    if (!chain.ok) problems.push(`${label}: chain ${chain.problems.map((p) => p.message).join('; ')}`);
    const sessions = store.history();
    const passes = new Map(sessions.flatMap((s) => store!.passes(s.sessionId).map((p) => [p.passId, { ...p, s }])));
    for (const [passId, fields] of atCopy.opened) {
      const pass = passes.get(passId);
      if (pass === undefined) problems.push(`${label}: acknowledged pass ${passId} missing`);
      else if (`${pass.s.sessionId} ${pass.area} ${pass.passNumber}` !== fields)
        problems.push(`${label}: pass ${passId} differs`);
    }
    for (const passId of atCopy.contact)
      if (passes.get(passId)?.contactAtMs == null) problems.push(`${label}: contact of ${passId} lost`);
    for (const [passId, strokes] of atCopy.closed)
      if (passes.get(passId)?.strokes !== strokes) problems.push(`${label}: close of ${passId} lost`);
    for (const sessionId of atCopy.ended)
      if (sessions.find((s) => s.sessionId === sessionId)?.outcome !== 'completed')
        problems.push(`${label}: end of session ${sessionId} lost`);
    for (const [passId, pass] of passes) {
      const written = all.opened.get(passId);
      if (written !== `${pass.s.sessionId} ${pass.area} ${pass.passNumber}` && written !== undefined)
        problems.push(`${label}: pass ${passId} is not the one written`);
      if (pass.endedAtMs != null && pass.strokes !== (passId * 7) % 1000 && pass.strokes !== 0)
        problems.push(`${label}: pass ${passId} holds strokes never written`);
      if (written === undefined && passId > Math.max(0, ...all.opened.keys()) + 1)
        problems.push(`${label}: pass ${passId} invented`);
    }
  } finally {
    store.close();
  }
  return { outcome: 'OPENED', problems };
}

/** One writer on a fresh file, `copies` copies at random instants, each checked once the writer is gone. */
async function writerRound(
  dir: string,
  round: number,
  copies: number,
  random: SeededRandom,
): Promise<{ atCopies: Acks[]; all: Acks }> {
  const dbPath = join(dir, `round-${round}.db`);
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dbPath, `client-${round}`], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const acks = emptyAcks();
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  let ready!: () => void;
  const isReady = new Promise<void>((resolve) => (ready = resolve));
  createInterface({ input: child.stdout }).on('line', (line) => (line === 'READY' ? ready() : record(acks, line)));
  const atCopies: Acks[] = [];
  for (let copy = 0; copy < copies; copy++) {
    // NOTE: the first copy lands anywhere in start-up (process, file creation, migration), the rest spread over the writing.
    if (copy === 0) await new Promise((resolve) => setTimeout(resolve, random.integerBetween(0, 1500)));
    else {
      await isReady;
      await new Promise((resolve) => setTimeout(resolve, random.integerBetween(1, 25)));
    }
    const pid = child.pid as number;
    child.kill('SIGSTOP');
    waitStopped(pid);
    const atCopy = copyAcks(acks);
    const target = join(dir, `round-${round}-copy-${copy}`);
    mkdirSync(target);
    for (const suffix of SUFFIXES)
      if (existsSync(dbPath + suffix)) copyFileSync(dbPath + suffix, join(target, `records.db${suffix}`));
    child.kill('SIGCONT');
    atCopies.push(atCopy);
  }
  child.kill('SIGKILL');
  await exited;
  return { atCopies, all: acks };
}

/** Runs `trials` copies over ceil(trials / copiesPerWriter) writers; seeded delays. */
export async function runPowerLoss(options: PowerLossOptions): Promise<PowerLossFigures> {
  const startMs = performance.now();
  const random = new SeededRandom(options.seed);
  const temp = tempDir('mnpen-power-loss-');
  const refused: Record<string, number> = {};
  const violations: string[] = [];
  let openedComplete = 0;
  let beforeFile = 0;
  let checked = 0;
  try {
    for (let round = 0, done = 0; done < options.trials; round++) {
      const copies = Math.min(options.copiesPerWriter, options.trials - done);
      const { atCopies, all } = await writerRound(temp.dir, round, copies, random);
      for (const [copy, atCopy] of atCopies.entries()) {
        const path = join(temp.dir, `round-${round}-copy-${copy}`, 'records.db');
        if (!existsSync(path)) {
          beforeFile++;
          if (atCopy.opened.size > 0) violations.push(`round ${round} copy ${copy}: no file, passes acknowledged`);
          continue;
        }
        const { outcome, problems } = checkCopy(path, atCopy, all, `round ${round} copy ${copy}`);
        checked += atCopy.opened.size;
        violations.push(...problems);
        if (outcome === 'OPENED') {
          if (problems.length === 0) openedComplete++;
        } else refused[outcome] = (refused[outcome] ?? 0) + 1;
        rmSync(join(temp.dir, `round-${round}-copy-${copy}`), { recursive: true, force: true });
      }
      done += copies;
    }
  } finally {
    temp.remove();
  }
  return {
    trials: options.trials,
    openedComplete,
    refused,
    beforeFile,
    acknowledgedPassesChecked: checked,
    violations,
    wallMs: performance.now() - startMs,
  };
}
