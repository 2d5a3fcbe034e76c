// The session summary: one JSON-ready object formatted from the machine's final context, and its readable table.
import type { ControllerContext, FaultEntry, Outcome, ReasonEntry, SessionEndedParams } from '../machine/index.js';
import { Sku, type Payload } from '../protocol/index.js';

export interface AreaSummary {
  readonly area: string;
  readonly depthUm: number;
  readonly capUm: number;
  readonly capBinding: string | null;
  readonly strokeHz: number;
  readonly passLimit: number;
  readonly passes: number;
  readonly passesOpened: number;
  readonly strokes: number;
  readonly punctures: number;
  readonly contactMs: number;
  readonly maxMeasuredDepthUm: number;
  readonly locked: boolean;
  readonly lockReason: string | null;
}

export interface SessionSummary {
  readonly outcome: Outcome;
  readonly outcomeReason: string | null;
  readonly mode: string;
  readonly clientId: string;
  readonly isPatchTest: boolean;
  readonly resumed: boolean;
  readonly pen: {
    serialNumber: number;
    sku: 'home' | 'pro';
    firmware: string;
    cartridgeId: number;
    needleCount: number;
  } | null;
  /** The professional unlock granted at admission, or null. */
  readonly unlock: {
    readonly clinicianId: string;
    readonly clinicianName: string;
    readonly credentialId: string;
    readonly keyName: string;
    readonly maxDepthUm: number;
  } | null;
  /** The clinic profile that bound the session, or null. */
  readonly profile: { readonly profileId: string; readonly clinicName: string; readonly keyId: string } | null;
  readonly areas: readonly AreaSummary[];
  readonly faults: readonly FaultEntry[];
  readonly refusals: readonly ReasonEntry[];
  readonly clamps: readonly ReasonEntry[];
  readonly stops: readonly ReasonEntry[];
  readonly sessionId: number | null;
  readonly aftercare?: readonly string[];
  readonly virtualDurationMs?: number;
}

/**
 * Formats the machine's output. `end` is the runner's record of the end: the machine's own, or the
 * fail-safe's when the machine failed (then the context has no outcome).
 */
export function summarize(
  context: ControllerContext,
  info: Payload<'INFO'> | null,
  end: SessionEndedParams | null,
): SessionSummary {
  return {
    outcome: context.outcome ?? end?.outcome ?? 'aborted',
    outcomeReason: context.outcome !== null ? context.outcomeReason : (end?.reason ?? null),
    mode: context.mode,
    clientId: context.settings.clientId,
    isPatchTest: context.settings.isPatchTest,
    resumed: context.record.resumed,
    pen:
      info === null
        ? null
        : {
            serialNumber: info.serialNumber,
            sku: info.sku === Sku.PRO ? 'pro' : 'home',
            firmware: `${info.firmwareMajor}.${info.firmwareMinor}.${info.firmwarePatch}`,
            cartridgeId: info.cartridgeId,
            needleCount: info.needleCount,
          },
    unlock:
      context.unlock === null
        ? null
        : {
            clinicianId: context.unlock.clinicianId,
            clinicianName: context.unlock.clinicianName,
            credentialId: context.unlock.credentialId,
            keyName: context.unlock.keyName,
            maxDepthUm: context.unlock.maxDepthUm,
          },
    profile:
      context.settings.profile === null
        ? null
        : {
            profileId: context.settings.profile.profileId,
            clinicName: context.settings.profile.clinicName,
            keyId: context.settings.profile.keyId,
          },
    areas: context.areas.map((area) => ({
      area: area.area,
      depthUm: area.depthUm,
      capUm: area.capUm,
      capBinding: area.capBinding,
      strokeHz: area.strokeHz,
      passLimit: area.passLimit,
      passes: area.passes,
      passesOpened: area.passesOpened,
      strokes: area.strokes,
      punctures: area.punctures,
      contactMs: area.contactMs,
      maxMeasuredDepthUm: area.maxMeasuredDepthUm,
      locked: area.locked,
      lockReason: area.lockReason,
    })),
    faults: context.faults,
    refusals: context.refusals,
    clamps: context.clamps,
    stops: context.stops,
    sessionId: context.record.sessionId,
  };
}

const pad = (text: string, width: number): string => text.padEnd(width);
const padLeft = (text: string, width: number): string => text.padStart(width);

/** A readable multi-line summary for a terminal. */
export function formatSummary(summary: SessionSummary): string {
  const lines: string[] = [];
  const pen = summary.pen;
  lines.push(
    `mnpen session: ${summary.outcome.toUpperCase()}${summary.outcomeReason ? ` (${summary.outcomeReason})` : ''}`,
  );
  lines.push(
    `${summary.isPatchTest ? 'patch test' : `mode ${summary.mode}`}, client ${summary.clientId}` +
      (pen
        ? `; pen #${pen.serialNumber} (${pen.sku} SKU, firmware ${pen.firmware}); cartridge ${pen.cartridgeId} with ${pen.needleCount} needles`
        : '; no pen'),
  );
  if (summary.sessionId !== null)
    lines.push(`session record #${summary.sessionId}${summary.resumed ? ' (resumed after an interruption)' : ''}`);
  if (summary.unlock !== null) {
    const unlock = summary.unlock;
    lines.push(
      `professional mode unlocked by ${unlock.clinicianName} (${unlock.clinicianId}), credential ${unlock.credentialId} from ${unlock.keyName}, up to ${unlock.maxDepthUm} um`,
    );
  }
  if (summary.profile !== null)
    lines.push(`clinic profile ${summary.profile.profileId} of ${summary.profile.clinicName} binds`);
  if (summary.virtualDurationMs !== undefined)
    lines.push(`duration ${(summary.virtualDurationMs / 1000).toFixed(1)} s (simulated)`);
  lines.push('');
  const header = ['area', 'depth um', 'cap (by)', 'Hz', 'passes', 'strokes', 'punctures', 'max meas um', 'status'];
  const rows = summary.areas.map((area) => [
    area.area,
    String(area.depthUm),
    area.capBinding ? `${area.capUm} (${area.capBinding})` : '-',
    String(area.strokeHz),
    `${area.passes}/${area.passLimit}`,
    String(area.strokes),
    String(area.punctures),
    String(area.maxMeasuredDepthUm),
    area.locked ? `locked: ${area.lockReason}` : 'open',
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] as string).length)),
  );
  const render = (cells: string[]): string =>
    cells
      .map((cell, column) => (column >= 1 && column <= 7 ? padLeft(cell, widths[column]!) : pad(cell, widths[column]!)))
      .join('  ')
      .trimEnd();
  lines.push(render(header), widths.map((width) => '-'.repeat(width)).join('  '));
  for (const row of rows) lines.push(render(row));
  const listed = (title: string, entries: readonly { reason: string; detail: string; area?: string }[]): void => {
    if (entries.length === 0) return;
    lines.push('', `${title}:`);
    for (const entry of entries)
      lines.push(`  [${entry.reason}] ${entry.area ? `${entry.area}: ` : ''}${entry.detail}`);
  };
  listed('Refusals', summary.refusals);
  listed('Faults', summary.faults);
  listed('Clamps', summary.clamps);
  listed('Stops', summary.stops);
  if (summary.aftercare && summary.aftercare.length > 0) {
    lines.push('', 'Aftercare:');
    for (const item of summary.aftercare) lines.push(`  ${item}`);
  }
  return lines.join('\n');
}

/** True when the session treated skin: some pass had contact, however short (aftercare applies). */
export function treatedSkin(summary: SessionSummary): boolean {
  return summary.areas.some((area) => area.passes > 0);
}
