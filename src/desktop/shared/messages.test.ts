// Requests and reports of the desk: the bad-request corpus, and the fault parameters matching what the injector takes.
import { describe, expect, it } from 'vitest';
import { FaultInjector } from '../../../sim/faults.js';
import { SimulatedLink } from '../../../sim/link.js';
import { SeededRandom } from '../../../sim/random.js';
import { SimulatedPen } from '../../../sim/simulated-pen.js';
import { encodeConfigBlock } from '../../../firmware/config.js';
import { createFirmware } from '../../../firmware/pen-firmware.js';
import { Sku } from '../../protocol/index.js';
import { FAULT_KINDS, FAULT_PARAMETERS } from './fault-options.js';
import { MAX_REQUEST_BYTES, parseRequest, parseServerMessage, type ErrorCode } from './messages.js';

/** Bad requests by category: each must be refused with its code. */
const BAD_REQUESTS: readonly [string, ErrorCode][] = [
  ['', 'MALFORMED'],
  ['{', 'MALFORMED'],
  ['null', 'MALFORMED'],
  ['[]', 'MALFORMED'],
  ['"stop"', 'MALFORMED'],
  ['42', 'MALFORMED'],
  ['{}', 'MALFORMED'],
  ['{"type":7}', 'MALFORMED'],
  ['{"type":"launch"}', 'UNKNOWN_TYPE'],
  ['{"type":"STOP"}', 'UNKNOWN_TYPE'],
  ['{"type":"__proto__"}', 'UNKNOWN_TYPE'],
  ['{"type":"stop","extra":true}', 'INVALID'],
  ['{"type":"stop","id":-1}', 'INVALID'],
  ['{"type":"stop","id":1.5}', 'INVALID'],
  ['{"type":"contact"}', 'INVALID'],
  ['{"type":"contact","on":"yes"}', 'INVALID'],
  ['{"type":"inject"}', 'INVALID'],
  ['{"type":"inject","fault":{"kind":"meteor"}}', 'INVALID'],
  ['{"type":"inject","fault":{"kind":"encoder-drift"}}', 'INVALID'],
  ['{"type":"inject","fault":{"kind":"encoder-drift","umPerSecond":0}}', 'INVALID'],
  ['{"type":"inject","fault":{"kind":"encoder-drift","umPerSecond":1e9}}', 'INVALID'],
  ['{"type":"inject","fault":{"kind":"over-depth-runaway","umPerMs":-5}}', 'INVALID'],
  ['{"type":"inject","fault":{"kind":"brown-out","rebootAfterMs":"NaN"}}', 'INVALID'],
  ['{"type":"inject","fault":{"kind":"frame-delay","delayMs":null}}', 'INVALID'],
  ['{"type":"inject","fault":{"kind":"link-garbage","bytes":64,"direction":"sideways"}}', 'INVALID'],
  ['{"type":"inject","fault":{"kind":"motor-stall","bytes":3}}', 'INVALID'],
  ['{"type":"start"}', 'INVALID'],
  ['{"type":"start","operator":"hand"}', 'INVALID'],
  ['{"type":"start","operator":"robot","speed":"1x"}', 'INVALID'],
  ['{"type":"start","operator":"hand","speed":"100x"}', 'INVALID'],
  ['{"type":"start","operator":"hand","speed":"1x","plan":"other.json"}', 'INVALID'],
  ['{"type":"speed","speed":10}', 'INVALID'],
  ['{"type":"finish","area":"chin"}', 'INVALID'],
  ['{"type":"contact","on":true,"area":""}', 'INVALID'],
  ['{"type":"contact","on":true,"area":7}', 'INVALID'],
  [`{"type":"contact","on":true,"area":"${'a'.repeat(65)}"}`, 'INVALID'],
  [`{"type":"stop","pad":"${'x'.repeat(MAX_REQUEST_BYTES)}"}`, 'TOO_LARGE'],
];

describe('parseRequest', () => {
  it.each(BAD_REQUESTS)('S4: refuses %j with %s', (text, code) => {
    const parsed = parseRequest(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.code).toBe(code);
  });

  it('returns the id of a request it refuses when the id is readable', () => {
    expect(parseRequest('{"type":"launch","id":12}')).toMatchObject({ ok: false, id: 12 });
  });

  it('accepts every request the page sends', () => {
    for (const text of [
      '{"type":"stop"}',
      '{"type":"estop","id":3}',
      '{"type":"contact","on":true}',
      '{"type":"contact","on":true,"area":"forehead"}',
      '{"type":"start","operator":"hand","speed":"1x"}',
      '{"type":"start","id":4,"operator":"scripted","speed":"max"}',
      '{"type":"speed","speed":"10x"}',
      '{"type":"finish"}',
      '{"type":"clear-faults"}',
      '{"type":"power-cycle"}',
    ]) {
      expect(parseRequest(text).ok, text).toBe(true);
    }
  });
});

describe('fault parameters', () => {
  it('every fault kind with its default parameters is a valid request the injector accepts', () => {
    const pen = new SimulatedPen({
      seed: 1,
      configBlock: encodeConfigBlock({ sku: Sku.HOME, serialNumber: 1, leaseMs: 200 }),
      createFirmware,
    });
    const injector = new FaultInjector(pen, new SimulatedLink(), new SeededRandom(2), () => 0);
    for (const kind of FAULT_KINDS) {
      const fault = Object.fromEntries([
        ['kind', kind],
        ...FAULT_PARAMETERS[kind].map((parameter) => [parameter.name, parameter.default]),
      ]);
      const parsed = parseRequest(JSON.stringify({ type: 'inject', fault }));
      expect(parsed.ok, kind).toBe(true);
      const request = parsed.ok ? parsed.request : null;
      if (request?.type === 'inject') expect(() => injector.inject(request.fault)).not.toThrow();
    }
  });

  it('S4: every bound of every parameter is accepted and one past it refused', () => {
    for (const kind of FAULT_KINDS) {
      for (const parameter of FAULT_PARAMETERS[kind]) {
        if (parameter.kind !== 'integer') continue;
        const others = Object.fromEntries(FAULT_PARAMETERS[kind].map((p) => [p.name, p.default]));
        const request = (value: number) =>
          JSON.stringify({ type: 'inject', fault: { kind, ...others, [parameter.name]: value } });
        expect(parseRequest(request(parameter.min)).ok, `${kind}.${parameter.name} min`).toBe(true);
        expect(parseRequest(request(parameter.max)).ok, `${kind}.${parameter.name} max`).toBe(true);
        expect(parseRequest(request(parameter.min - 1)).ok).toBe(false);
        expect(parseRequest(request(parameter.max + 1)).ok).toBe(false);
      }
    }
  });
});

describe('parseServerMessage', () => {
  it('refuses a report the page could not draw: unequal columns, unknown type, not JSON', () => {
    const columns = { commandedDepthUm: [1], measuredDepthUm: [1], capUm: [1], tripUm: [1], commandedStrokeHz: [1] };
    expect(
      parseServerMessage(JSON.stringify({ type: 'samples', t: [1], ...columns, measuredStrokeHz: [], frames: 1 })).ok,
    ).toBe(false);
    expect(
      parseServerMessage(JSON.stringify({ type: 'samples', t: [1], ...columns, measuredStrokeHz: [1], frames: 1 })).ok,
    ).toBe(true);
    expect(parseServerMessage('{"type":"root-shell"}').ok).toBe(false);
    expect(parseServerMessage('<html>').ok).toBe(false);
  });
});
