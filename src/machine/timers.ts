// How long each timer the machine asks for runs, from its settings and the session so far (host ms).
import { AREA_CHANGE_DWELL_MS, AREA_RETRY_DELAY_MS, CONNECT_TIMEOUT_MS, PEN_IDLE_TIMEOUT_MS } from '../policy/index.js';
import type { ControllerContext } from './context.js';
import type { TimerName } from './events.js';

/**
 * Delay of `timer`: the connect and pen-idle timeouts; the pass debounce of the settings; before
 * the next plan-order area, the retry delay after a refused arming, no delay for the first area,
 * else the area-change dwell (the pen must stay off the skin that long).
 */
export function timerDelayMs(context: ControllerContext, timer: TimerName): number {
  switch (timer) {
    case 'connect':
      return CONNECT_TIMEOUT_MS;
    case 'penIdle':
      return PEN_IDLE_TIMEOUT_MS;
    case 'passDebounce':
      return context.settings.passDebounceMs;
    case 'nextArea': {
      if (context.record.retryPending) return AREA_RETRY_DELAY_MS;
      const started = context.areas.some((area) => area.passesOpened > 0 || area.locked || area.refusedArmings > 0);
      return started ? AREA_CHANGE_DWELL_MS : 0;
    }
  }
}
