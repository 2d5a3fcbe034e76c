// The desk's local server over real sockets: token, Host and Origin checks, bad messages, a message before the token, a 10,000-message burst.
import { connect } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PenOnlyDesk } from '../../src/desktop/pen-only-desk.js';
import { REQUEST_BURST } from '../../src/desktop/rate-limit.js';
import { PenState } from '../../src/protocol/index.js';
import { TestClient, get, startTestDesk } from '../support/desk-server.js';

let desk: PenOnlyDesk;
const clients: TestClient[] = [];
beforeEach(async () => {
  ({ desk } = await startTestDesk());
});
afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await desk.stop();
});

const server = () => desk.deskServer;
const wsUrl = (token: string | null = server().token) =>
  `ws://127.0.0.1:${server().port}/ws${token === null ? '' : `?token=${token}`}`;

async function client(headers: Record<string, string> = {}): Promise<TestClient> {
  const connected = await TestClient.connect(wsUrl(), headers);
  clients.push(connected);
  await connected.waitFor((messages) => messages.some((message) => message.type === 'welcome'));
  return connected;
}

/** Everything a request could change on the pen. */
function penSnapshot() {
  const diagnostics = desk.pen.diagnostics();
  const { skin } = desk.pen.pen.hardware;
  return {
    state: diagnostics.state,
    faultCode: diagnostics.faultCode,
    lastStopReason: diagnostics.lastStopReason,
    injections: desk.pen.faults.history.length,
    contactEdges: skin.edgeCount,
    linkDropped: desk.pen.link.isDropped,
    linkDelayMs: desk.pen.link.deliveryDelayMs,
    boots: desk.pen.pen.bootCount,
  };
}

async function idlePen(): Promise<void> {
  const startedAt = Date.now();
  while (desk.pen.diagnostics().state !== PenState.IDLE) {
    if (Date.now() - startedAt > 5000) throw new Error('pen not IDLE');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('page requests', () => {
  it('serves the page with the token (200) and refuses it without or with a wrong one (403)', async () => {
    const { port, token } = server();
    const page = await get(port, `/?token=${token}`, { Host: `127.0.0.1:${port}` });
    expect(page.status).toBe(200);
    expect(page.body).toContain(`app.js?token=${token}`);
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect((await get(port, `/app.js?token=${token}`)).status).toBe(200);
    expect((await get(port, '/')).status).toBe(403);
    expect((await get(port, '/?token=wrong')).status).toBe(403);
    expect((await get(port, '/app.js')).status).toBe(403);
    expect((await get(port, `/?token=${token.slice(0, -1)}`)).status).toBe(403);
  });

  it('refuses a foreign Host with 421 (DNS rebinding), other methods with 405, other paths with 404', async () => {
    const { port, token } = server();
    expect((await get(port, `/?token=${token}`, { Host: `evil.example:${port}` })).status).toBe(421);
    expect((await get(port, `/?token=${token}`, { Host: `127.0.0.1:${port + 1}` })).status).toBe(421);
    expect((await get(port, `/?token=${token}`, {}, 'POST')).status).toBe(405);
    expect((await get(port, `/secrets?token=${token}`)).status).toBe(404);
  });
});

describe('websocket upgrade', () => {
  it('opens with the token and welcomes the page with the mode and every fault kind', async () => {
    const page = await client({ Origin: `http://127.0.0.1:${server().port}` });
    const [welcome] = page.ofType('welcome');
    expect(welcome).toMatchObject({ mode: 'pen-only', pen: { sku: 'home', capUm: 250, tripUm: 300 } });
    expect(welcome?.faults.map((fault) => fault.kind)).toHaveLength(10);
  });

  it('refuses an upgrade without the token or with a wrong one (403), from a foreign Origin (403) or Host (421)', async () => {
    const { port } = server();
    await expect(TestClient.connect(wsUrl(null))).rejects.toThrow('HTTP 403');
    await expect(TestClient.connect(wsUrl('nope'))).rejects.toThrow('HTTP 403');
    await expect(TestClient.connect(wsUrl(), { Origin: 'http://evil.example' })).rejects.toThrow('HTTP 403');
    await expect(TestClient.connect(wsUrl(), { Origin: `http://127.0.0.1:${port + 1}` })).rejects.toThrow('HTTP 403');
    await expect(TestClient.connect(wsUrl(), { Host: `evil.example:${port}` })).rejects.toThrow('HTTP 421');
    expect(server().clientCount).toBe(0);
  });

  it('a message sent before the token is checked (on an upgrade without one) is never read: 403, closed, nothing changed', async () => {
    await idlePen();
    const before = penSnapshot();
    const { port } = server();
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      socket.setTimeout(3000, () => socket.destroy());
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString('latin1')));
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
      const payload = Buffer.from(JSON.stringify({ type: 'inject', fault: { kind: 'link-drop' } }));
      // A masked websocket text frame, as a client would send right after its upgrade request.
      const frame = Buffer.concat([Buffer.from([0x81, 0x80 | payload.length, 0, 0, 0, 0]), payload]);
      socket.write(
        `GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
      );
      socket.write(frame);
    });
    expect(reply.startsWith('HTTP/1.1 403')).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(penSnapshot()).toEqual(before);
    expect(server().clientCount).toBe(0);
  });
});

describe('messages', () => {
  it('S4: malformed, unknown and invalid messages get error replies and change nothing', async () => {
    await idlePen();
    const page = await client();
    const before = penSnapshot();
    const bad = [
      'not json',
      '{"type":"launch","id":1}',
      '{"type":"inject","id":2,"fault":{"kind":"frame-delay","delayMs":-1}}',
      '{"type":"contact","id":3,"on":1}',
      JSON.stringify({ type: 'stop', id: 4, pad: 'x'.repeat(3000) }),
    ];
    for (const text of bad) page.send(text);
    page.socket.send(Buffer.from([1, 2, 3]), { binary: true });
    await page.waitFor(() => page.ofType('error').length === bad.length + 1);
    expect(page.ofType('error').map((error) => error.code)).toEqual([
      'MALFORMED',
      'UNKNOWN_TYPE',
      'INVALID',
      'INVALID',
      'TOO_LARGE',
      'BINARY',
    ]);
    expect(page.ofType('error')[1]?.id).toBe(1);
    expect(penSnapshot()).toEqual(before);
  });

  it('survives 10,000 bad messages in a burst: one error each, nothing changed, and a STOP still goes through', async () => {
    await idlePen();
    const page = await client();
    const before = penSnapshot();
    const kinds = ['{', '{"type":"warp"}', '{"type":"contact"}', '{"type":"inject","fault":{"kind":"meteor"}}'];
    for (let i = 0; i < 10_000; i++) page.send(kinds[i % kinds.length] as string);
    await page.waitFor(() => page.ofType('error').length === 10_000, 20_000);
    expect(penSnapshot()).toEqual(before);
    page.send({ type: 'stop', id: 77 });
    await page.waitFor(() => page.ofType('ack').some((ack) => ack.id === 77));
  }, 30_000);

  it('limits a burst of valid requests: the first REQUEST_BURST act, the rest are refused RATE_LIMITED; STOP is never limited', async () => {
    await idlePen();
    const page = await client();
    for (let i = 0; i < 1000; i++) page.send({ type: 'contact', id: i, on: i % 2 === 0 });
    page.send({ type: 'stop', id: 5000 });
    await page.waitFor(() => page.ofType('ack').length + page.ofType('error').length === 1001, 10_000);
    const acks = page.ofType('ack');
    const contactAcks = acks.filter((ack) => ack.request === 'contact').length;
    expect(contactAcks).toBeGreaterThanOrEqual(REQUEST_BURST);
    expect(contactAcks).toBeLessThan(REQUEST_BURST + 10);
    expect(page.ofType('error').every((error) => error.code === 'RATE_LIMITED')).toBe(true);
    expect(acks.some((ack) => ack.id === 5000)).toBe(true);
  });

  it('a valid injection acts and its outcome is reported; a page that disconnects while holding contact lifts the tip', async () => {
    await idlePen();
    const page = await client();
    page.send({ type: 'inject', id: 9, fault: { kind: 'motor-stall' } });
    page.send({ type: 'contact', id: 10, on: true });
    await page.waitFor(() => page.ofType('injection').some((outcome) => outcome.kind === 'motor-stall'));
    expect(page.ofType('injection')[0]).toMatchObject({ wasSafe: true, safeAfterMs: 0 });
    expect(desk.pen.pen.hardware.skin.isInContact).toBe(true);
    page.close();
    const startedAt = Date.now();
    while (desk.pen.pen.hardware.skin.isInContact && Date.now() - startedAt < 3000) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(desk.pen.pen.hardware.skin.isInContact).toBe(false);
  });
});
