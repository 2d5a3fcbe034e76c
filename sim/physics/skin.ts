// Skin under the tip: the contact state the operator's hand sets and the tip sensor reads.

/** Skin contact at the pen tip. */
export class Skin {
  private contact = false;
  private contactChanges = 0;

  /** Sets whether the tip touches skin. */
  setContact(contact: boolean): void {
    if (contact !== this.contact) this.contactChanges++;
    this.contact = contact;
  }

  get isInContact(): boolean {
    return this.contact;
  }

  /** Number of contact edges so far (touch-downs plus lift-offs). */
  get edgeCount(): number {
    return this.contactChanges;
  }
}
