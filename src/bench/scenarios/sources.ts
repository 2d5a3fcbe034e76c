// What a bench measurement can read: each source's units, value type and what it needs (fixture, simulated pen, controller).

/** Units a measurement may carry. */
export const UNITS = ['um', 'ms', 'Hz', 'mA', 'mV', 'counts', 'um/count', 'deg', 'bool', 'count', 'text'] as const;
export type Unit = (typeof UNITS)[number];

/**
 * Where a source's value comes from: the bench's own fixtures (always there), the simulated pen's
 * sensors and physics (target sim only), or the pen as reported through the controller.
 */
export type SourceNeed = 'fixture' | 'simulated-pen' | 'controller';

export interface SourceSpec {
  readonly units: Unit;
  readonly type: 'number' | 'boolean' | 'text';
  readonly needs: SourceNeed;
  readonly doc: string;
}

const source = (units: Unit, type: SourceSpec['type'], needs: SourceNeed, doc: string): SourceSpec => ({
  units,
  type,
  needs,
  doc,
});

/** Every readable source, by name. */
export const SOURCES = {
  'gauge.counts': source('counts', 'number', 'fixture', 'depth gauge ADC reading, latest Firmata analog report'),
  'gauge.depthUm': source('um', 'number', 'fixture', 'depth gauge reading through the calibration in force'),
  'gauge.umPerCount': source('um/count', 'number', 'fixture', 'slope of the calibration in force'),
  'gauge.zeroCounts': source('counts', 'number', 'fixture', 'counts at 0 um in the calibration in force'),
  'gauge.residualUm': source('um', 'number', 'fixture', 'largest calibration residual over the reference blocks'),
  'arm.commandDeg': source('deg', 'number', 'fixture', 'angle last commanded to the contact arm servo'),
  'relay.closed': source('bool', 'boolean', 'fixture', 'power relay commanded closed (pen supplied)'),
  'estop.pressed': source('bool', 'boolean', 'fixture', 'bench e-stop button held, as the board reports it'),
  'estop.signals': source('count', 'number', 'fixture', 'e-stop presses the bench has seen in this run'),
  'pen.skinContact': source('bool', 'boolean', 'simulated-pen', "the pen's skin-contact sensor"),
  'pen.strokeHz': source('Hz', 'number', 'simulated-pen', "the needle drive's true stroke rate"),
  'pen.motorCurrentMa': source('mA', 'number', 'simulated-pen', 'motor current'),
  'pen.supplyMv': source('mV', 'number', 'simulated-pen', "voltage on the pen's supply rail"),
  'pen.bootCount': source('count', 'number', 'simulated-pen', 'firmware boots since the simulation started'),
  'pen.needleUm': source('um', 'number', 'simulated-pen', 'true physical needle protrusion'),
  'pen.homeSwitch': source('bool', 'boolean', 'simulated-pen', 'depth axis on its home (retracted) switch'),
  'controller.outcome': source('text', 'text', 'controller', "the session's outcome as the machine decided it"),
  'controller.passes': source('count', 'number', 'controller', 'passes counted on the measurement area'),
  'controller.refusals': source(
    'text',
    'text',
    'controller',
    "the last session's refusal reasons, comma-separated (empty: none)",
  ),
  'controller.proUnlocked': source('bool', 'boolean', 'controller', 'the last session had a professional unlock (S9)'),
  'controller.unlockMaxDepthUm': source(
    'um',
    'number',
    'controller',
    "the last session's unlocked depth (the credential's maxDepthUm), null: none",
  ),
  'controller.penState': source('text', 'text', 'controller', 'pen state from its latest telemetry'),
  'controller.faultCode': source('text', 'text', 'controller', "pen's latched fault, NONE when none"),
  'controller.lastStopReason': source('text', 'text', 'controller', 'why the drive last stopped'),
  'controller.measuredDepthUm': source('um', 'number', 'controller', "pen's depth encoder, from telemetry"),
  'controller.commandedDepthUm': source('um', 'number', 'controller', "pen's depth setpoint, from telemetry"),
  'controller.measuredStrokeHz': source('Hz', 'number', 'controller', "pen's measured stroke rate, from telemetry"),
  'sweep.depthMeanErrorUm': source(
    'um',
    'number',
    'controller',
    'depth sweep: mean |gauge - commanded| over its steps',
  ),
  'sweep.depthMaxErrorUm': source('um', 'number', 'controller', 'depth sweep: largest |gauge - commanded|'),
  'sweep.depthPoints': source('count', 'number', 'controller', 'depth sweep: commanded depths measured'),
  'sweep.rateMeanErrorHz': source('Hz', 'number', 'controller', 'stroke-rate sweep: mean |measured - commanded|'),
  'sweep.rateMaxErrorHz': source('Hz', 'number', 'controller', 'stroke-rate sweep: largest |measured - commanded|'),
  'sweep.ratePoints': source('count', 'number', 'controller', 'stroke-rate sweep: commanded rates measured'),
  'direct.answer': source(
    'text',
    'text',
    'controller',
    'answer to the last direct pen command (ACK or the NAK reason)',
  ),
} as const satisfies Record<string, SourceSpec>;

export type SourceName = keyof typeof SOURCES;
export const SOURCE_NAMES = Object.keys(SOURCES) as [SourceName, ...SourceName[]];
