import type { PgErrorBody } from './contract.ts';
import type { FieldError } from './validation.ts';

export function errorBody(code: string, message: string, errors?: FieldError[]): PgErrorBody {
  return errors ? { code, message, errors } : { code, message };
}

export function badRequest(errors: FieldError[]): PgErrorBody {
  const fields = errors.map((e) => e.field).join(', ');
  return errorBody('bad_request', `invalid request: ${fields}`, errors);
}
