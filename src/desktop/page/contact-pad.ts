// The skin-contact pad: pressing and holding is the tip on the skin (a glide), releasing is a lift-off.

/**
 * Binds `pad`: pointer down sends contact on; pointer up, cancel, a lost capture or the window
 * losing focus send contact off. NOTE: every way a hold can end lifts the tip: it never sticks.
 */
export function bindContactPad(pad: HTMLElement, setContact: (on: boolean) => void): void {
  let held = false;
  const release = (): void => {
    if (!held) return;
    held = false;
    pad.classList.remove('held');
    setContact(false);
  };
  pad.addEventListener('pointerdown', (event) => {
    event.preventDefault();
    pad.setPointerCapture(event.pointerId);
    if (held) return;
    held = true;
    pad.classList.add('held');
    setContact(true);
  });
  pad.addEventListener('pointerup', release);
  pad.addEventListener('pointercancel', release);
  pad.addEventListener('lostpointercapture', release);
  window.addEventListener('blur', release);
  document.addEventListener('visibilitychange', () => {
    if (document.hidden) release();
  });
}
