/**
 * What a token action's confirmation screen shows, given by the action's definition as its
 * `custom` (AdminJS passes it to the screen): a new action of this kind needs no edit of the
 * shared component, only this object.
 */
export interface ConfirmScreen {
  /** Asked after the token's name. */
  question: string;
  /** The confirming button's label. */
  button: string;
  /** A red button, for a change that cuts off a client. */
  danger: boolean;
  /** One input the action takes (see ConfirmInput in confirm-inputs.tsx), sent under its field name. */
  input?: 'graceSeconds' | 'expiry';
}
