// Controller mode over real sockets: a plan session started by a websocket client on the one runner, its reports, bad messages and a burst that change nothing.
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ControllerDesk } from '../../src/desktop/controller-desk.js';
import type { SessionMessage } from '../../src/desktop/shared/messages.js';
import { ControllerDesk as Desk } from '../../src/desktop/controller-desk.js';
import { checkedPlan } from '../../src/wiring/session-request.js';
import { tempDir } from '../support/cli.js';
import { TEST_ASSETS, TEST_PLAN, TestClient, startTestControllerDesk } from '../support/desk-server.js';

let desk: ControllerDesk;
const clients: TestClient[] = [];
beforeEach(async () => {
  ({ desk } = await startTestControllerDesk());
});
afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await desk.stop();
});

async function client(): Promise<TestClient> {
  const server = desk.deskServer;
  const connected = await TestClient.connect(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`);
  clients.push(connected);
  await connected.waitFor((messages) => messages.some((message) => message.type === 'welcome'));
  return connected;
}

const lastSession = (page: TestClient): SessionMessage | undefined => page.ofType('session').at(-1);

/** Everything a request could change: the session, the machine's state and areas, the pen. */
function deskSnapshot() {
  const { runner, pen, running } = desk.current;
  return {
    running,
    state: runner === null ? null : JSON.stringify(runner.snapshot.value),
    areas: runner === null ? null : JSON.stringify(runner.context.areas.map((area) => [area.passes, area.locked])),
    stops: runner?.context.stops.length ?? null,
    contact: pen?.pen.hardware.skin.isInContact ?? null,
    injections: pen?.faults.history.length ?? null,
    boots: pen?.pen.bootCount ?? null,
  };
}

/** Starts a hand-operated session at 1x and waits for the machine to await the operator's area. */
async function handSession(page: TestClient): Promise<void> {
  page.send({ type: 'start', id: 1, operator: 'hand', speed: '1x' });
  await page.waitFor(() => lastSession(page)?.state === 'connected.session.selectingArea.awaitingOperator', 15_000);
}

describe('controller mode', () => {
  it('welcomes the page with the plan and every request; a scripted session as fast as possible ends with the summary, aftercare and history', async () => {
    const page = await client();
    const welcome = page.ofType('welcome')[0]!;
    expect(welcome.mode).toBe('controller');
    expect(welcome.accepts).toContain('start');
    expect(welcome.controller?.areas.map((area) => area.area)).toEqual(['forehead', 'chin']);
    page.send({ type: 'start', id: 1, operator: 'scripted', speed: 'max' });
    await page.waitFor(() => page.ofType('end').length === 1, 60_000);
    const end = page.ofType('end')[0]!;
    expect(end).toMatchObject({ outcome: 'completed', outcomeReason: 'PLAN_COMPLETE', recordsFailed: null });
    expect(end.summaryText).toContain('mnpen session: COMPLETED (PLAN_COMPLETE)');
    expect(end.summaryText).toContain('Aftercare:');
    expect(end.aftercare.length).toBeGreaterThan(0);
    expect(end.historyText).toMatch(/^#\d+ .* client demo-client-\S+: home session, completed/);
    const session = lastSession(page)!;
    expect(session.running).toBe(false);
    expect(session.areas.map((area) => [area.area, area.passes, area.locked, area.lockReason])).toEqual([
      ['forehead', 2, true, 'PASS_LIMIT_REACHED'],
      ['chin', 2, true, 'PASS_LIMIT_REACHED'],
    ]);
    expect(page.ofType('samples').length).toBeGreaterThan(0);
    expect(page.ofType('status').at(-1)?.punctures).toBeGreaterThan(0);
    // A second session right after: its simulated wall clock starts after the first's records.
    page.send({ type: 'start', id: 2, operator: 'scripted', speed: 'max' });
    await page.waitFor(() => page.ofType('end').length === 2, 60_000);
    expect(page.ofType('end')[1], page.ofType('end')[1]?.summaryText).toMatchObject({
      number: 2,
      outcome: 'completed',
    });
    expect(
      page
        .ofType('end')[1]
        ?.historyText.split('\n')
        .filter((line) => line.startsWith('#')).length,
    ).toBe(1);
  }, 90_000);

  it('S5: holds on an area are its passes; at the limit the area locks with PASS_LIMIT_REACHED and the motor is off; STOP ends it aborted', async () => {
    const page = await client();
    await handSession(page);
    for (let pass = 0; pass < 2; pass++) {
      page.send({ type: 'contact', on: true, area: 'forehead' });
      await page.waitFor(() => page.ofType('status').at(-1)?.motorOn === true, 10_000);
      await new Promise((resolve) => setTimeout(resolve, 400));
      page.send({ type: 'contact', on: false });
      await page.waitFor(() => lastSession(page)?.areas[0]?.passes === pass + 1, 10_000);
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    await page.waitFor(() => lastSession(page)?.areas[0]?.locked === true, 10_000);
    expect(lastSession(page)?.areas[0]).toMatchObject({ passes: 2, passLimit: 2, lockReason: 'PASS_LIMIT_REACHED' });
    expect(page.ofType('event').some((event) => event.kind === 'area' && event.name === 'PASS_LIMIT_REACHED')).toBe(
      true,
    );
    await page.waitFor(() => page.ofType('status').at(-1)?.motorOn === false);
    expect(desk.current.pen?.pen.hardware.motor.commandHz).toBe(0);
    page.send({ type: 'contact', id: 5, on: true, area: 'forehead' });
    await page.waitFor(() =>
      page.ofType('event').some((event) => event.kind === 'refusal' && event.name === 'AREA_LOCKED'),
    );
    page.send({ type: 'stop', id: 6 });
    await page.waitFor(() => page.ofType('end').length === 1, 10_000);
    expect(page.ofType('end')[0]).toMatchObject({ outcome: 'aborted', outcomeReason: 'OPERATOR_STOP' });
  }, 60_000);

  it('the speed of a running session changes on request: a scripted session started at 1x finishes at max', async () => {
    const page = await client();
    page.send({ type: 'start', id: 1, operator: 'scripted', speed: '1x' });
    await page.waitFor(() => lastSession(page)?.running === true, 15_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    page.send({ type: 'speed', id: 2, speed: 'max' });
    await page.waitFor(() => page.ofType('ack').some((ack) => ack.id === 2 && ack.request === 'speed'));
    await page.waitFor(() => page.ofType('end').length === 1, 60_000);
    expect(page.ofType('end')[0]).toMatchObject({ outcome: 'completed' });
    expect(lastSession(page)?.speed).toBe('max');
  }, 90_000);

  it('refuses a session as the CLI does: a client without a record and no screening is not started, nothing recorded', async () => {
    const request = {
      plan: { json: TEST_PLAN, source: 'test-plan.json' },
      patchTest: false,
      dbPath: join(tempDir('mnpen-desk-refusal-'), 'mnpen.db'),
      clientId: 'C77',
    };
    const named = await Desk.start({ request, plan: checkedPlan(request), seed: 3, assets: TEST_ASSETS });
    try {
      const server = named.deskServer;
      const page = await TestClient.connect(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`);
      clients.push(page);
      page.send({ type: 'start', id: 1, operator: 'scripted', speed: 'max' });
      await page.waitFor(() => page.ofType('end').length === 1);
      expect(page.ofType('end')[0]).toMatchObject({ outcome: 'not started' });
      expect(page.ofType('end')[0]?.summaryText).toContain(
        '--screening FILE is required: client C77 has no record yet',
      );
      expect(named.current.runner).toBeNull();
      expect(page.ofType('event').some((event) => event.name === 'DESK_REFUSED')).toBe(true);
    } finally {
      await named.stop();
    }
  });

  it('S4: malformed, unknown, invalid and out-of-place messages get error replies and change nothing', async () => {
    const page = await client();
    await handSession(page);
    const before = deskSnapshot();
    const bad = [
      'not json',
      '{"type":"launch","id":1}',
      '{"type":"start","id":2,"operator":"robot","speed":"1x"}',
      '{"type":"start","id":3,"operator":"hand","speed":"1x"}',
      '{"type":"contact","id":4,"on":true,"area":""}',
      '{"type":"speed","id":5,"speed":"100x"}',
      '{"type":"inject","id":6,"fault":{"kind":"frame-delay","delayMs":-1}}',
    ];
    for (const text of bad) page.send(text);
    await page.waitFor(() => page.ofType('error').length === bad.length);
    expect(page.ofType('error').map((error) => error.code)).toEqual([
      'MALFORMED',
      'UNKNOWN_TYPE',
      'INVALID',
      'REFUSED',
      'INVALID',
      'INVALID',
      'INVALID',
    ]);
    expect(deskSnapshot()).toEqual(before);
  }, 30_000);

  it('a message before the token is never read; 10,000 bad messages in a burst: one error each, nothing changed, STOP still goes through', async () => {
    const page = await client();
    await handSession(page);
    const before = deskSnapshot();
    const { port } = desk.deskServer;
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      socket.setTimeout(3000, () => socket.destroy());
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString('latin1')));
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
      const payload = Buffer.from(JSON.stringify({ type: 'contact', on: true, area: 'forehead' }));
      const frame = Buffer.concat([Buffer.from([0x81, 0x80 | payload.length, 0, 0, 0, 0]), payload]);
      socket.write(
        `GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
      );
      socket.write(frame);
    });
    expect(reply.startsWith('HTTP/1.1 403')).toBe(true);
    const kinds = ['{', '{"type":"warp"}', '{"type":"start"}', '{"type":"contact","on":true,"area":7}'];
    for (let i = 0; i < 10_000; i++) page.send(kinds[i % kinds.length] as string);
    await page.waitFor(() => page.ofType('error').length === 10_000, 30_000);
    expect(deskSnapshot()).toEqual(before);
    page.send({ type: 'stop', id: 77 });
    await page.waitFor(() => page.ofType('ack').some((ack) => ack.id === 77));
    await page.waitFor(() => page.ofType('end').length === 1, 10_000);
    expect(page.ofType('end')[0]?.outcome).toBe('aborted');
  }, 60_000);
});
