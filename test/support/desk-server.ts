// Test support for the desk's server: a pen-only desk on an in-memory port, raw HTTP requests, and a websocket client that collects reports.
import { request } from 'node:http';
import { WebSocket } from 'ws';
import type { PageAssets } from '../../src/desktop/page-assets.js';
import { join } from 'node:path';
import { ControllerDesk } from '../../src/desktop/controller-desk.js';
import { PenOnlyDesk } from '../../src/desktop/pen-only-desk.js';
import { checkedPlan } from '../../src/wiring/session-request.js';
import { tempDir } from './cli.js';
import type { ServerMessage } from '../../src/desktop/shared/messages.js';
import { portPair, type PairEnd } from './desk-harness.js';

/** Stand-in page files: the server tests check access, not the page (the browser tests load the real build). */
export const TEST_ASSETS: PageAssets = {
  indexHtml: '<!doctype html><script src="app.js?token=__MNPEN_TOKEN__"></script>',
  appJs: Buffer.from('void 0;'),
  appCss: Buffer.from(''),
};

/** A pen-only desk whose serial port is one end of an in-memory pair; `host` is the other end (for a host link, or nobody). */
export async function startTestDesk(assets: PageAssets = TEST_ASSETS): Promise<{ desk: PenOnlyDesk; host: PairEnd }> {
  const { pen, host } = portPair();
  const desk = await PenOnlyDesk.start({ port: pen, portPath: '/dev/in-memory', sku: 'home', seed: 3, assets });
  return { desk, host };
}

/** A plan for controller-mode tests: two areas, two passes each (the map locks one quickly). */
export const TEST_PLAN = {
  mode: 'home',
  areas: [
    { area: 'forehead', depthMm: 0.25, passes: 2, strokeHz: 100 },
    { area: 'chin', depthMm: 0.2, passes: 2, strokeHz: 100 },
  ],
};

/** A controller-mode desk on the demo database of a fresh temporary directory (no client: a demo client per session). */
export async function startTestControllerDesk(
  assets: PageAssets = TEST_ASSETS,
  plan: { readonly json: unknown; readonly source: string } = { json: TEST_PLAN, source: 'test-plan.json' },
): Promise<{ desk: ControllerDesk; dbPath: string }> {
  const dbPath = join(tempDir('mnpen-desk-controller-'), 'mnpen.db');
  const request = { plan, patchTest: false, dbPath };
  const desk = await ControllerDesk.start({ request, plan: checkedPlan(request), seed: 3, assets });
  return { desk, dbPath };
}

/** GETs `path` with optional headers through node:http (fetch cannot set Host). Resolves with the status and body. */
export function get(port: number, path: string, headers: Record<string, string> = {}, method = 'GET') {
  return new Promise<{ status: number; body: string; headers: Record<string, unknown> }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body, headers: response.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A websocket client that keeps every report it receives. */
export class TestClient {
  readonly messages: ServerMessage[] = [];
  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => this.messages.push(JSON.parse(String(data)) as ServerMessage));
  }

  /** Connects to `url`; resolves once open, rejects with the refusal's status code. */
  static connect(url: string, headers: Record<string, string> = {}): Promise<TestClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { headers });
      const client = new TestClient(socket);
      socket.once('open', () => resolve(client));
      socket.once('unexpected-response', (_request, response) => reject(new Error(`HTTP ${response.statusCode}`)));
      socket.once('error', reject);
    });
  }

  send(value: unknown): void {
    this.socket.send(typeof value === 'string' ? value : JSON.stringify(value));
  }

  /** Reports of one type received so far. */
  ofType<T extends ServerMessage['type']>(type: T): Extract<ServerMessage, { type: T }>[] {
    return this.messages.filter((message) => message.type === type) as Extract<ServerMessage, { type: T }>[];
  }

  /** Waits until `predicate` holds over the reports; throws Error after `timeoutMs`. */
  async waitFor(predicate: (messages: readonly ServerMessage[]) => boolean, timeoutMs = 5000): Promise<void> {
    const startedAt = Date.now();
    while (!predicate(this.messages)) {
      if (Date.now() - startedAt > timeoutMs) throw new Error('desk client: condition not met in time');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  close(): void {
    this.socket.close();
  }
}
