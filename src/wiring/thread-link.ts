// The machine thread's side of the link thread: requests across a worker, and the liveness stamp that lets it keep the pen's lease.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { HOST_ALIVE_PERIOD_MS } from '../limits/index.js';
import { encodeFrame, type Payload } from '../protocol/index.js';
import {
  DEFAULT_LINK_OPTIONS,
  LinkError,
  type CommandName,
  type CommandResult,
  type LinkDeadReason,
  type LinkEventName,
  type LinkListeners,
  type RealtimeName,
} from '../transport/index.js';
import type { HostLink } from './host-link.js';
import type { FromLinkThread, LinkThreadData, ThreadFailure, ToLinkThread } from './link-thread-messages.js';
import { PortOpenError } from './open-port.js';

/** The link thread gets this long to close its port before it is terminated, ms. */
const CLOSE_GRACE_MS = 1000;

interface Pending {
  readonly resolve: (value: never) => void;
  readonly reject: (error: Error) => void;
}

/**
 * Starts the worker entry beside this module: the bundle's link-worker.mjs, or the TypeScript
 * source. NOTE: Node 20 applies no module.register hooks (tsx's ESM loader) inside a worker, so the
 * source is loaded through tsx's require hook.
 */
function startWorker(data: LinkThreadData): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL('./link-worker.mjs', here), { workerData: data });
  const tsx = createRequire(here).resolve('tsx/cjs/api');
  const entry = fileURLToPath(new URL('./link-worker.ts', here));
  const code = `require(${JSON.stringify(tsx)}).register(); require(${JSON.stringify(entry)});`;
  return new Worker(code, { eval: true, workerData: data });
}

function errorOf(failure: ThreadFailure): Error {
  if (failure.kind === 'link') return new LinkError(failure.code, failure.deadReason);
  return failure.kind === 'range' ? new RangeError(failure.message) : new Error(failure.message);
}

/**
 * A link to the pen at a serial port whose I/O, retries and heartbeat run on their own thread
 * (Klipper's serial queue), so this thread's pauses (garbage collection, an fsync, a busy event loop)
 * do not starve the pen of heartbeats. This thread stamps a shared clock every HOST_ALIVE_PERIOD_MS:
 * the link thread heartbeats only while the stamp is fresh (S10). Nothing there decides the session.
 */
export class ThreadLink implements HostLink {
  private readonly listeners = new Map<LinkEventName, ((...args: never[]) => void)[]>();
  private readonly pending = new Map<number, Pending>();
  private readonly stampTimer: NodeJS.Timeout;
  private nextId = 1;
  private deadReason: LinkDeadReason | null = null;
  private closing: Promise<void> | null = null;
  private readonly exited: Promise<void>;

  private constructor(
    private readonly worker: Worker,
    stamp: BigInt64Array,
  ) {
    const beat = (): void => void Atomics.store(stamp, 0, process.hrtime.bigint());
    beat();
    this.stampTimer = setInterval(beat, HOST_ALIVE_PERIOD_MS);
    this.exited = new Promise((resolve) => worker.once('exit', () => resolve()));
    worker.on('message', (message: FromLinkThread) => this.receive(message));
    worker.on('error', (error) => this.die('LINK_THREAD_FAILED', error.message));
    worker.once('exit', () => this.die('LINK_THREAD_FAILED', 'the link thread exited'));
  }

  /** Starts the link thread on the port at `path`. Rejects with PortOpenError when the port cannot be opened. */
  static open(path: string): Promise<ThreadLink> {
    const stampBuffer = new SharedArrayBuffer(BigInt64Array.BYTES_PER_ELEMENT);
    const data: LinkThreadData = { path, stamp: stampBuffer };
    const worker = startWorker(data);
    return new Promise((resolve, reject) => {
      const onFirst = (message: FromLinkThread): void => {
        worker.off('error', onError);
        if (message.op === 'opened') return resolve(new ThreadLink(worker, new BigInt64Array(stampBuffer)));
        void worker.terminate();
        reject(new PortOpenError(message.op === 'openFailed' ? message.message : `link thread: ${message.op}`));
      };
      const onError = (error: Error): void => {
        worker.off('message', onFirst);
        reject(new PortOpenError(`cannot start the link thread for ${path}: ${error.message}`));
      };
      worker.once('message', onFirst);
      worker.once('error', onError);
    });
  }

  hello(): Promise<Payload<'INFO'>> {
    return this.request({ op: 'hello', id: 0 });
  }

  command<N extends CommandName>(name: N, payload: Payload<N>): Promise<CommandResult> {
    try {
      encodeFrame(name, 0, payload);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.request({ op: 'command', id: 0, name, payload });
  }

  /** Hands STOP, ESTOP or STATUS_REQUEST to the link thread at once; false when the link is dead. */
  realtime(name: RealtimeName): boolean {
    if (this.deadReason !== null) return false;
    this.post({ op: 'realtime', name });
    return true;
  }

  startHeartbeat(periodMs: number): void {
    if (!(periodMs > 0 && periodMs < DEFAULT_LINK_OPTIONS.deadLinkTimeoutMs)) {
      throw new RangeError(`heartbeat period ${periodMs} ms not in (0, ${DEFAULT_LINK_OPTIONS.deadLinkTimeoutMs})`);
    }
    if (this.deadReason !== null) throw new LinkError('LINK_DEAD', this.deadReason);
    this.post({ op: 'startHeartbeat', periodMs });
  }

  on<E extends LinkEventName>(event: E, listener: LinkListeners[E]): () => void {
    const list = this.listeners.get(event) ?? [];
    list.push(listener as (...args: never[]) => void);
    this.listeners.set(event, list);
    return () => {
      const current = this.listeners.get(event) ?? [];
      this.listeners.set(
        event,
        current.filter((other) => other !== listener),
      );
    };
  }

  onLinkDead(listener: LinkListeners['linkDead']): () => void {
    return this.on('linkDead', listener);
  }

  /** The link thread stops its link (no heartbeat, no write) and keeps the port open until close. */
  quiet(): void {
    clearInterval(this.stampTimer);
    this.post({ op: 'quiet' });
  }

  /** Asks the link thread to close the port (requests already posted, a STOP included, go first). */
  close(): Promise<void> {
    if (this.closing !== null) return this.closing;
    clearInterval(this.stampTimer);
    this.post({ op: 'close' });
    this.closing = (async () => {
      const grace = new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), CLOSE_GRACE_MS).unref());
      if ((await Promise.race([this.exited.then(() => 'exited' as const), grace])) === 'late') {
        await this.worker.terminate();
      }
      this.die('CLOSED', 'closed');
    })();
    return this.closing;
  }

  private request<T>(message: Extract<ToLinkThread, { id: number }>): Promise<T> {
    if (this.deadReason !== null) return Promise.reject(new LinkError('LINK_DEAD', this.deadReason));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: never) => void, reject });
      this.post({ ...message, id });
    });
  }

  private post(message: ToLinkThread): void {
    this.worker.postMessage(message);
  }

  private receive(message: FromLinkThread): void {
    switch (message.op) {
      case 'info':
      case 'result': {
        const pending = this.pending.get(message.id);
        this.pending.delete(message.id);
        pending?.resolve((message.op === 'info' ? message.info : message.result) as never);
        return;
      }
      case 'failed': {
        const pending = this.pending.get(message.id);
        this.pending.delete(message.id);
        pending?.reject(errorOf(message.failure));
        return;
      }
      case 'report':
        for (const listener of this.listeners.get(message.event as LinkEventName) ?? []) {
          (listener as (payload: unknown, penSeq: number) => void)(message.payload, message.penSeq);
        }
        return;
      case 'linkDead':
        return this.die(message.reason, message.detail);
      default:
        return;
    }
  }

  /** The link is dead once: pending requests reject, linkDead listeners are told (never for close). */
  private die(reason: LinkDeadReason, detail: string): void {
    if (this.deadReason !== null) return;
    this.deadReason = reason;
    clearInterval(this.stampTimer);
    const error = new LinkError(reason === 'CLOSED' ? 'PORT_CLOSED' : 'LINK_DEAD', reason);
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
    if (reason === 'CLOSED' || this.closing !== null) return;
    for (const listener of this.listeners.get('linkDead') ?? []) {
      (listener as unknown as (reason: LinkDeadReason, detail: string) => void)(reason, detail);
    }
  }
}
