// A synchronous PostgreSQL client: node-postgres runs in a worker thread, the caller blocks on Atomics.wait for at most a bound.
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { SqlValue } from '../sql.js';

/** A failure seen by the client: PostgreSQL's SQLSTATE (or a socket errno, or TIMEOUT, or '' for a dropped connection). */
export class PgFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly constraint: string | null = null,
  ) {
    super(message);
    this.name = 'PgFailure';
  }
}

export interface PgReply {
  readonly rows: Record<string, unknown>[];
  readonly rowCount: number;
  /** Which connection answered: a transaction's statements must all run on the one its BEGIN ran on. */
  readonly connection: number;
}

interface WireReply {
  seq: number;
  ok: boolean;
  rows?: Record<string, unknown>[];
  rowCount?: number;
  connection?: number;
  code?: string;
  message?: string;
  constraint?: string | null;
}

/**
 * The worker: one pg.Client, (re)connected on demand; bigint and numeric come back as JS numbers
 * (every value mnpen stores is a safe integer). A statement sent for connection N fails when the
 * connection is no longer N (a reconnect inside a transaction would run it outside the transaction).
 */
const WORKER_SOURCE = String.raw`
const { parentPort, workerData } = require('node:worker_threads');
const pg = require(workerData.pgPath);
const signal = new Int32Array(workerData.signal);
const port = workerData.port;
const asNumber = (value) => Number(value);
const types = { getTypeParser: (oid, format) => (oid === 20 || oid === 1700 ? asNumber : pg.types.getTypeParser(oid, format)) };
let current = null;
let connections = 0;
let initSql = workerData.initSql;
let queue = Promise.resolve();
async function connection() {
  if (current !== null) return current;
  const client = new pg.Client({
    connectionString: workerData.url,
    connectionTimeoutMillis: workerData.timeoutMs,
    statement_timeout: workerData.timeoutMs,
    lock_timeout: workerData.timeoutMs,
    idle_in_transaction_session_timeout: Math.max(workerData.timeoutMs * 4, 10000),
    application_name: 'mnpen',
    keepAlive: true,
    types,
  });
  const id = ++connections;
  const lost = () => { if (current !== null && current.id === id) current = null; };
  client.on('error', lost);
  client.on('end', lost);
  await client.connect();
  for (const sql of initSql) await client.query(sql);
  current = { id, client };
  return current;
}
async function handle(message) {
  let reply;
  try {
    if (message.op === 'close') {
      const closing = current;
      current = null;
      if (closing !== null) await closing.client.end().catch(() => undefined);
      reply = { seq: message.seq, ok: true, rows: [], rowCount: 0, connection: 0 };
    } else {
      if (message.op === 'init') initSql = message.init;
      const open = await connection();
      if (message.connection !== 0 && message.connection !== open.id) {
        throw Object.assign(new Error('the connection to PostgreSQL was lost inside a transaction'), { code: '08006' });
      }
      const sqls = message.op === 'init' ? message.init : [message.sql];
      let result = { rows: [], rowCount: 0 };
      for (const sql of sqls) result = await open.client.query({ text: sql, values: message.params });
      reply = { seq: message.seq, ok: true, rows: result.rows ?? [], rowCount: result.rowCount ?? 0, connection: open.id };
    }
  } catch (error) {
    reply = {
      seq: message.seq,
      ok: false,
      code: typeof error.code === 'string' ? error.code : '',
      message: String(error.message),
      constraint: typeof error.constraint === 'string' ? error.constraint : null,
    };
  }
  port.postMessage(reply);
  Atomics.add(signal, 0, 1);
  Atomics.notify(signal, 0);
}
parentPort.on('message', (message) => {
  queue = queue.then(() => handle(message));
});
`;

const PG_PATH = createRequire(import.meta.url).resolve('pg');

/**
 * One connection to one PostgreSQL server, used synchronously. Every call returns within
 * `timeoutMs` or throws PgFailure TIMEOUT; after a timeout the worker (and with it the socket,
 * so the server rolls back what it had not committed) is discarded and the next call reconnects.
 */
export class SyncPgClient {
  private worker: Worker | null = null;
  private port: MessagePort | null = null;
  private readonly signal = new Int32Array(new SharedArrayBuffer(4));
  private seq = 0;
  private initSql: readonly string[] = [];

  constructor(
    private readonly url: string,
    readonly timeoutMs: number,
  ) {}

  private start(): { worker: Worker; port: MessagePort } {
    if (this.worker !== null && this.port !== null) return { worker: this.worker, port: this.port };
    const channel = new MessageChannel();
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        pgPath: PG_PATH,
        url: this.url,
        timeoutMs: this.timeoutMs,
        signal: this.signal.buffer,
        port: channel.port2,
        initSql: this.initSql,
      },
      transferList: [channel.port2],
    });
    worker.unref();
    worker.on('error', () => this.discard());
    this.worker = worker;
    this.port = channel.port1;
    return { worker, port: channel.port1 };
  }

  private discard(): void {
    const worker = this.worker;
    this.worker = null;
    this.port?.close();
    this.port = null;
    if (worker !== null) void worker.terminate();
  }

  private call(message: Record<string, unknown>, timeoutMs: number): PgReply {
    const { worker, port } = this.start();
    const seq = ++this.seq;
    let seen = Atomics.load(this.signal, 0);
    worker.postMessage({ ...message, seq });
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const received = receiveMessageOnPort(port) as { message: WireReply } | undefined;
      if (received !== undefined) {
        const reply = received.message;
        if (reply.seq !== seq) continue;
        if (!reply.ok) throw new PgFailure(reply.code ?? '', reply.message ?? 'PostgreSQL failed', reply.constraint);
        return { rows: reply.rows ?? [], rowCount: reply.rowCount ?? 0, connection: reply.connection ?? 0 };
      }
      const remaining = deadline - performance.now();
      if (remaining <= 0) {
        this.discard();
        throw new PgFailure('TIMEOUT', `PostgreSQL did not answer within ${timeoutMs} ms`);
      }
      Atomics.wait(this.signal, 0, seen, remaining);
      seen = Atomics.load(this.signal, 0);
    }
  }

  /** Runs one statement (`$1` placeholders). `connection` 0: any; else the statement fails unless it runs on that connection. */
  query(sql: string, params: readonly SqlValue[] = [], connection = 0): PgReply {
    return this.call({ op: 'query', sql, params, connection }, this.timeoutMs);
  }

  /** Statements run on this connection now and on every reconnect (session settings, the TEMP change log). */
  init(sqls: readonly string[]): void {
    this.initSql = [...sqls];
    this.call({ op: 'init', init: this.initSql, params: [], connection: 0 }, this.timeoutMs);
  }

  /** Ends the connection (bounded) and the worker. */
  close(): void {
    if (this.worker === null) return;
    try {
      this.call({ op: 'close' }, this.timeoutMs);
    } catch {
      // NOTE: a server that is gone cannot be told goodbye: the socket closes with the worker.
    }
    this.discard();
  }
}
