/**
 * The shape every check returns, Jepsen style: valid is true, false, or 'unknown' when the
 * data needed to decide was missing or the check itself crashed. Problems keep the first and
 * the worst example so a report can show one concrete case instead of only a number.
 */
export type Validity = true | false | 'unknown';

export interface Problem {
  paymentId?: string;
  /** When it happened (epoch ms), so problems can be attributed to fault windows. */
  at?: number;
  detail: string;
  /** Larger is worse; picks the "worst" example. */
  severity: number;
}

export interface CheckResult {
  name: CheckName;
  title: string;
  valid: Validity;
  /** Named counts shown in the report (e.g. accepted, created, missing). */
  counts: Record<string, number>;
  problemCount: number;
  first?: Problem;
  worst?: Problem;
  /** Up to EXAMPLE_LIMIT problems, in time order. */
  examples: Problem[];
  /** Why the answer is unknown, or what the number means. */
  note?: string;
  /** Problems per fault window id, plus 'outside' for those in no window. */
  perWindow: Record<string, number>;
}

export const CHECK_NAMES = [
  'accepted-created',
  'one-per-key',
  'stuck',
  'lost',
  'double-charge',
  'mismatch',
  'duplicate-effect',
  'terminal-stable',
  'cancel-honoured',
  'reorder',
  'dead-outbox',
  'dead-letter',
  'duplicate-delivery',
] as const;
export type CheckName = (typeof CHECK_NAMES)[number];

export const EXAMPLE_LIMIT = 20;

export function isCheckName(value: string): value is CheckName {
  return (CHECK_NAMES as readonly string[]).includes(value);
}
