/** The one response envelope: `{ code, message, data }` on success, `{ code, message, errors }` on failure. */
import {
  ERROR_CODES,
  type ErrorCodeName,
  type FieldError,
  SUCCESS_CODES,
  type SuccessCodeName,
} from '../domain/result-codes.ts';

export interface SuccessEnvelope<T> {
  code: number;
  message: string;
  data: T;
}

export interface FailureEnvelope {
  code: number;
  message: string;
  errors: FieldError[];
}

export function success<N extends SuccessCodeName, T>(
  name: N,
  data: T,
): { status: (typeof SUCCESS_CODES)[N]['httpStatus']; body: SuccessEnvelope<T> } {
  const result = SUCCESS_CODES[name];
  return { status: result.httpStatus, body: { code: result.code, message: result.message, data } };
}

export function failure<N extends ErrorCodeName>(
  name: N,
  errors: FieldError[] = [],
  message: string = ERROR_CODES[name].message,
): { status: (typeof ERROR_CODES)[N]['httpStatus']; body: FailureEnvelope } {
  const result = ERROR_CODES[name];
  return { status: result.httpStatus, body: { code: result.code, message, errors } };
}
