/**
 * The classes a create answer falls into, counted by the k6 script (one counter per class,
 * `paylab_create_status_<class>`) and read back by the collector. It lives with the collector:
 * the contract sits below both (scenarios/k6 imports it; chaos must not import scenarios/). It
 * runs inside k6 too, so it stays plain code with no import: the exercised verdict needs to know
 * that every create was answered, and by what — a run where every create got 401 must fail.
 */
export const CREATE_STATUS_CLASSES = ['2xx', '401', '409', '422', '429', '4xx', '5xx', 'none'] as const;
export type CreateStatusClass = (typeof CREATE_STATUS_CLASSES)[number];

/** 401 (bad merchant key), 409 (key in progress), 422 (key reused with other parameters) and 429
 *  (shed) are told apart; '4xx' is any other client error; 'none': no answer (timeout, refused). */
export function createStatusClass(status: number): CreateStatusClass {
  if (status >= 200 && status < 300) return '2xx';
  if (status === 401 || status === 409 || status === 422 || status === 429)
    return String(status) as CreateStatusClass;
  if (status >= 400 && status < 500) return '4xx';
  if (status >= 500) return '5xx';
  return 'none';
}

export function createStatusMetric(c: CreateStatusClass): string {
  return `paylab_create_status_${c}`;
}
