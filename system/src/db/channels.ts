/**
 * LISTEN/NOTIFY channels. The API notifies OUTBOX_CHANNEL inside every transaction that writes an
 * outbox row; PostgreSQL delivers it on commit only, so a listener (the relay) never wakes for a
 * row it cannot see yet. The payload is the payment id; listeners must not depend on it (NOTIFY
 * is a hint, the outbox table is the truth, and a relay still polls).
 */
export const OUTBOX_CHANNEL = 'paylab_outbox';
