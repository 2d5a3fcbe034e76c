// Keyboard: space or S = STOP, Esc = ESTOP, anywhere on the page.

/** Binds the stop keys on `target`; a held key acts once (repeats are ignored). */
export function bindStopKeys(target: Window, stop: () => void, emergencyStop: () => void): void {
  target.addEventListener('keydown', (event) => {
    const isStop = event.key === ' ' || event.key === 's' || event.key === 'S';
    const isEmergency = event.key === 'Escape';
    if (!isStop && !isEmergency) return;
    // NOTE: the keys stop the pen wherever the focus is; a focused button must not also be clicked by space.
    event.preventDefault();
    if (event.repeat) return;
    if (isEmergency) emergencyStop();
    else stop();
  });
}
