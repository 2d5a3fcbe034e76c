// The desk's local server: node:http for the page, ws for its messages, on 127.0.0.1 only, every request checked before anything is done.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import {
  LOOPBACK_ADDRESS,
  createToken,
  isHostAllowed,
  isOriginAllowed,
  isTokenValid,
  pageHeaders,
  pathOf,
  tokenOf,
} from './http-guard.js';
import { TOKEN_PLACEHOLDER, type PageAssets } from './page-assets.js';
import { RateLimit } from './rate-limit.js';
import {
  MAX_REQUEST_BYTES,
  parseRequest,
  type DeskRequest,
  type ErrorCode,
  type ServerMessage,
  type WelcomeMessage,
} from './shared/messages.js';

/** The websocket path. */
export const SOCKET_PATH = '/ws';
/** Frames larger than this close the connection (ws enforces it before buffering more). */
const MAX_FRAME_BYTES = 16 * 1024;
/** A connection whose unsent output exceeds this misses droppable reports (plot rows, status). */
const DROPPABLE_BUFFER_BYTES = 4 * 1024 * 1024;
/** ... and misses error replies past this; past the last, it is closed (a page that stopped reading). */
const REPLY_BUFFER_BYTES = 8 * 1024 * 1024;
const CLOSE_BUFFER_BYTES = 32 * 1024 * 1024;

/** One connected page. */
export interface DeskClient {
  readonly id: number;
}

/** What a handler did with a valid request: done (with a line for the page), or not, and why. */
export type HandlerResult =
  | { readonly ok: true; readonly detail: string }
  | { readonly ok: false; readonly code: Extract<ErrorCode, 'NOT_AVAILABLE' | 'REFUSED'>; readonly message: string };

/** The mode behind the server: it answers valid requests; the server has already checked everything else. */
export interface DeskHandler {
  welcome(): WelcomeMessage;
  handle(request: DeskRequest, client: DeskClient): HandlerResult;
  disconnected(client: DeskClient): void;
}

export interface DeskServerOptions {
  readonly handler: DeskHandler;
  readonly assets: PageAssets;
  /** TCP port; 0 (the default) picks a free one. */
  readonly port?: number;
}

/** Counters of what the server refused, for tests and the status line. */
export interface DeskServerStats {
  httpRefused: number;
  upgradesRefused: number;
  requestErrors: number;
  repliesSkipped: number;
}

/**
 * Serves the page and its websocket. Every HTTP request and upgrade is checked in order: Host
 * (421), then token (403), then Origin on the upgrade (403), then path. A message is acted on only
 * after it parsed and validated; a bad one gets an error reply and changes nothing.
 */
export class DeskServer {
  readonly token = createToken();
  readonly stats: DeskServerStats = { httpRefused: 0, upgradesRefused: 0, requestErrors: 0, repliesSkipped: 0 };
  private readonly http: Server;
  private readonly sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  private readonly clients = new Map<WebSocket, { client: DeskClient; limit: RateLimit }>();
  private nextClientId = 1;
  private listeningPort = 0;

  private constructor(private readonly options: DeskServerOptions) {
    this.http = createServer((request, response) => this.serve(request, response));
    this.http.on('upgrade', (request: IncomingMessage, socket: Duplex) => this.upgrade(request, socket));
    this.http.on('clientError', (_error, socket) => socket.destroy());
  }

  /** Starts listening on 127.0.0.1. Rejects when the port is taken. */
  static async start(options: DeskServerOptions): Promise<DeskServer> {
    const server = new DeskServer(options);
    await new Promise<void>((resolve, reject) => {
      server.http.once('error', reject);
      server.http.listen(options.port ?? 0, LOOPBACK_ADDRESS, () => {
        server.http.off('error', reject);
        resolve();
      });
    });
    server.listeningPort = (server.http.address() as { port: number }).port;
    return server;
  }

  get port(): number {
    return this.listeningPort;
  }

  /** The page's URL, token included. */
  get url(): string {
    return `http://${LOOPBACK_ADDRESS}:${this.listeningPort}/?token=${this.token}`;
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /** Sends a report to every page. Droppable reports skip a page that is behind (its next one catches up). */
  broadcast(message: ServerMessage, droppable: boolean): void {
    if (this.clients.size === 0) return;
    const text = JSON.stringify(message);
    for (const socket of this.clients.keys()) {
      if (socket.bufferedAmount > CLOSE_BUFFER_BYTES) socket.terminate();
      else if (!droppable || socket.bufferedAmount <= DROPPABLE_BUFFER_BYTES) socket.send(text);
    }
  }

  /** Closes every page connection and the listener. */
  async close(): Promise<void> {
    for (const socket of this.clients.keys()) socket.terminate();
    this.sockets.close();
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  private serve(request: IncomingMessage, response: ServerResponse): void {
    const refuse = (status: number, text: string): void => {
      this.stats.httpRefused++;
      response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
      response.end(`${text}\n`);
    };
    if (!isHostAllowed(request.headers.host, this.listeningPort)) return refuse(421, 'misdirected request');
    if (request.method !== 'GET') return refuse(405, 'method not allowed');
    if (!isTokenValid(this.token, tokenOf(request.url))) return refuse(403, 'forbidden');
    const { assets } = this.options;
    const port = this.listeningPort;
    switch (pathOf(request.url)) {
      case '/':
        response.writeHead(200, pageHeaders(port, 'text/html; charset=utf-8'));
        return void response.end(assets.indexHtml.replaceAll(TOKEN_PLACEHOLDER, encodeURIComponent(this.token)));
      case '/app.js':
        response.writeHead(200, pageHeaders(port, 'text/javascript; charset=utf-8'));
        return void response.end(assets.appJs);
      case '/app.css':
        response.writeHead(200, pageHeaders(port, 'text/css; charset=utf-8'));
        return void response.end(assets.appCss);
      default:
        return refuse(404, 'not found');
    }
  }

  private upgrade(request: IncomingMessage, socket: Duplex): void {
    socket.on('error', () => socket.destroy());
    const refuse = (status: string): void => {
      this.stats.upgradesRefused++;
      // NOTE: a refused upgrade must not leave the socket open: answer and destroy it (bytes sent after are ignored).
      const fallback = setTimeout(() => socket.destroy(), 1000).unref();
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`, () => {
        clearTimeout(fallback);
        socket.destroy();
      });
    };
    if (!isHostAllowed(request.headers.host, this.listeningPort)) return refuse('421 Misdirected Request');
    if (!isTokenValid(this.token, tokenOf(request.url))) return refuse('403 Forbidden');
    if (!isOriginAllowed(request.headers.origin, this.listeningPort)) return refuse('403 Forbidden');
    if (pathOf(request.url) !== SOCKET_PATH) return refuse('404 Not Found');
    this.sockets.handleUpgrade(request, socket, Buffer.alloc(0), (ws) => this.connected(ws));
  }

  private connected(socket: WebSocket): void {
    const client: DeskClient = { id: this.nextClientId++ };
    this.clients.set(socket, { client, limit: new RateLimit(() => performance.now()) });
    socket.on('message', (data, isBinary) => this.receive(socket, data, isBinary));
    socket.on('error', () => socket.terminate());
    socket.on('close', () => {
      this.clients.delete(socket);
      this.options.handler.disconnected(client);
    });
    socket.send(JSON.stringify(this.options.handler.welcome()));
  }

  private receive(socket: WebSocket, data: RawData, isBinary: boolean): void {
    const entry = this.clients.get(socket);
    if (entry === undefined) return;
    if (isBinary) return this.replyError(socket, null, 'BINARY', 'requests are JSON text');
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as Buffer);
    if (bytes.length > MAX_REQUEST_BYTES) {
      return this.replyError(socket, null, 'TOO_LARGE', `request over ${MAX_REQUEST_BYTES} bytes`);
    }
    const parsed = parseRequest(bytes.toString('utf8'));
    if (!parsed.ok) return this.replyError(socket, parsed.id, parsed.code, parsed.message);
    const { request } = parsed;
    const id = request.id ?? null;
    // NOTE: STOP and ESTOP are never rate-limited: a flood of other requests cannot hold back a stop.
    const isStop = request.type === 'stop' || request.type === 'estop';
    if (!isStop && !entry.limit.take()) return this.replyError(socket, id, 'RATE_LIMITED', 'too many requests');
    const result = this.options.handler.handle(request, entry.client);
    if (!result.ok) return this.replyError(socket, id, result.code, result.message);
    this.reply(socket, { type: 'ack', id, request: request.type, detail: result.detail.slice(0, 200) });
  }

  private replyError(socket: WebSocket, id: number | null, code: ErrorCode, message: string): void {
    this.stats.requestErrors++;
    this.reply(socket, { type: 'error', id, code, message: message.slice(0, 300) });
  }

  private reply(socket: WebSocket, message: ServerMessage): void {
    if (socket.bufferedAmount > CLOSE_BUFFER_BYTES) return socket.terminate();
    if (socket.bufferedAmount > REPLY_BUFFER_BYTES) {
      this.stats.repliesSkipped++;
      return;
    }
    socket.send(JSON.stringify(message));
  }
}
