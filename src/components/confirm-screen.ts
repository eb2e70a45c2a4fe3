/**
 * What a token action's confirmation screen shows, given by the action's definition as its
 * `custom` (AdminJS passes it to the screen): a new action of this kind needs no edit of the
 * shared component, only this object.
 */
export interface ConfirmScreen {
  /** The page's title, e.g. "Rotate secret". */
  title: string;
  /** One line under the title that tells this action apart from its neighbours. */
  summary: string;
  /** Said just above the button: what confirming does. */
  question: string;
  /** The confirming button's label. */
  button: string;
  /** A red button, for a change that cuts off a client. */
  danger: boolean;
  /** One input the action takes (see ConfirmInput in confirm-inputs.tsx), sent under its field name. */
  input?: 'graceSeconds' | 'expiry';
}
