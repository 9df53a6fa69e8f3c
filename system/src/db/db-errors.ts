/**
 * Is a database error the database being unreachable, overloaded or shutting down (retry later:
 * 503), rather than a bug (500)? Faults the lab injects on the db link all land in the first group.
 */
const TRANSIENT_SQLSTATE_PREFIXES = ['08', '53', '57P'];
const TRANSIENT_SQLSTATES = new Set(['57014', '40001', '40P01', '55P03']);
const CONNECTION_NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTCONN',
]);
// node-postgres reports some link failures only by message.
const CONNECTION_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Query read timeout',
  'Client has encountered a connection error',
  'Connection ended unexpectedly',
];

function codeOf(error: Error): string | undefined {
  const code = (error as Error & { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

function causeOf(error: Error): unknown {
  return error.cause !== undefined && error.cause !== error ? error.cause : undefined;
}

/** The link to the database failed (refused, reset, timed out): the connection cannot be trusted. */
export function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = codeOf(error);
  if (code !== undefined && (CONNECTION_NODE_CODES.has(code) || code.startsWith('08'))) return true;
  if (CONNECTION_MESSAGES.some((m) => error.message.includes(m))) return true;
  const cause = causeOf(error);
  return cause !== undefined && isConnectionError(cause);
}

/** Worth retrying later: a connection failure, or the server refusing work for now. */
export function isTransientDbError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (isConnectionError(error)) return true;
  const code = codeOf(error);
  if (code !== undefined && code.length === 5) {
    if (TRANSIENT_SQLSTATES.has(code) || TRANSIENT_SQLSTATE_PREFIXES.some((p) => code.startsWith(p)))
      return true;
  }
  const cause = causeOf(error);
  return cause !== undefined && isTransientDbError(cause);
}
