/**
 * Is a database error the database being unreachable, overloaded or shutting down (retry later:
 * 503), rather than a bug (500)? Faults the lab injects on the db link all land in the first group.
 */
const TRANSIENT_SQLSTATE_PREFIXES = ['08', '53', '57P'];
const TRANSIENT_SQLSTATES = new Set(['57014', '40001', '40P01', '55P03']);
const TRANSIENT_NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTCONN',
]);
// node-postgres reports some link failures only by message.
const TRANSIENT_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Query read timeout',
  'Client has encountered a connection error',
  'Connection ended unexpectedly',
];

export function isTransientDbError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as Error & { code?: unknown }).code;
  if (typeof code === 'string') {
    if (TRANSIENT_NODE_CODES.has(code) || TRANSIENT_SQLSTATES.has(code)) return true;
    if (code.length === 5 && TRANSIENT_SQLSTATE_PREFIXES.some((p) => code.startsWith(p))) return true;
  }
  if (TRANSIENT_MESSAGES.some((m) => error.message.includes(m))) return true;
  return error.cause !== undefined && error.cause !== error && isTransientDbError(error.cause);
}
