// S14: a short, seeded fuzz run of the decoder, firmware link, firmware and controller link finds no crash; found cases replay cleanly.
import { describe, expect, it } from 'vitest';
import { parseFuzzArgs } from '../fuzz.js';
import { readFoundCases } from './found-cases.js';
import { createTargets, runFuzz } from './fuzzer.js';
import { judge, slipFrames } from './oracle.js';

describe('fuzz', () => {
  it('S14: 24,000 seeded executions: no crash, every target reaches its refusals, the corpus grows', async () => {
    const report = await runFuzz({ executions: 24_000, seed: 14 });
    expect(report.crashes).toEqual([]);
    expect(report.executions).toBe(24_000);
    const { decoder, firmwareLink, firmware, controllerLink } = report.targets;
    for (const reason of ['ACCEPTED', 'FRAME_BAD_CRC', 'FRAME_LENGTH_MISMATCH', 'UNKNOWN_TYPE', 'PAYLOAD_LENGTH'])
      expect(decoder.reasons).toContain(reason);
    for (const reason of ['ACK', 'SEQUENCE_UNEXPECTED', 'UNKNOWN_TYPE', 'WRONG_DIRECTION'])
      expect(firmwareLink.reasons).toContain(reason);
    for (const reason of ['ACK', 'SEQUENCE_UNEXPECTED', 'FRAME_BAD_CRC', 'PAYLOAD_LENGTH'])
      expect(firmware.reasons).toContain(reason);
    for (const reason of ['ACK', 'TELEMETRY', 'FRAME_BAD_CRC', 'WRONG_DIRECTION'])
      expect(controllerLink.reasons).toContain(reason);
    for (const target of Object.values(report.targets)) expect(target.corpusGrown).toBeGreaterThan(10);
  });

  it('is deterministic for a seed and a count', async () => {
    const [a, b] = [await runFuzz({ executions: 3_000, seed: 7 }), await runFuzz({ executions: 3_000, seed: 7 })];
    expect(a.reasons).toEqual(b.reasons);
    expect(a.targets.firmware.corpusGrown).toBe(b.targets.firmware.corpusGrown);
  });

  it('S14: every case fuzz runs added to the bad-input corpus runs on every target without a crash', () => {
    const cases = readFoundCases();
    expect(cases.length).toBeGreaterThan(0);
    const targets = createTargets();
    for (const found of cases) {
      const frame = slipFrames(found.wire).frames.at(-1) ?? new Uint8Array(0);
      for (const target of targets) {
        const outcome = target.run({
          frame,
          wire: found.wire,
          validCrc: judge(frame).kind !== 'dropped',
          clean: false,
        });
        if (target.name === 'decoder' && found.kind === 'reason') expect(outcome.reason, found.id).toBe(found.reason);
      }
    }
  });

  it('reads --count, --seconds and --seed, and refuses anything else', () => {
    expect(parseFuzzArgs(['--count', '500', '--seed', '3'])).toEqual({ executions: 500, seed: 3 });
    expect(parseFuzzArgs(['--seconds', '2.5'])).toMatchObject({ seconds: 2.5 });
    expect(() => parseFuzzArgs(['--count', '-1'])).toThrow(/positive/);
    expect(() => parseFuzzArgs(['--runs', '5'])).toThrow(/unknown option/);
  });
});
