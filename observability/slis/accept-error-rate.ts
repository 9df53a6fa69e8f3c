/** Share of create-payment requests that failed: the first thing a payer notices. */
import { METRICS } from '../../system/src/metric-names.ts';
import { CREATE_PAYMENT, defineSli, SLI_WINDOW } from './define.ts';

/** Share of create requests that failed, as the API counted them (5xx and 429). */
const apiErrorShare =
  `(sum(rate(${METRICS.httpRequests}{${CREATE_PAYMENT},status=~"5..|429"}[${SLI_WINDOW}])) or vector(0))` +
  ` / clamp_min(sum(rate(${METRICS.httpRequests}{${CREATE_PAYMENT}}[${SLI_WINDOW}])), 1e-9)`;

/** The same share as the load generator saw it: k6 also counts what never reached the API
 *  (status 0: refused, reset, timed out), which the API's own counter cannot. */
const clientErrorShare =
  `(sum(rate(k6_http_reqs_total{name="create",status=~"0|5..|429"}[${SLI_WINDOW}])) or vector(0))` +
  ` / clamp_min(sum(rate(k6_http_reqs_total{name="create"}[${SLI_WINDOW}])), 1e-9)`;

// The worse of the two views: while the API is down it counts nothing, yet every create fails.
const promql =
  `max(label_replace(${apiErrorShare}, "view", "api", "", "")` +
  ` or label_replace(${clientErrorShare}, "view", "client", "", ""))`;

export const acceptErrorRate = defineSli({
  id: 'accept_error_rate',
  title: 'accept error rate',
  description:
    'Share of create-payment requests answered 5xx or 429, or never answered (k6 status 0): the worse of the API and the client view.',
  unit: 'ratio',
  bad: 'high',
  promql,
  record: 'paylab:accept_error_rate:ratio',
  // One percentage point of errors, or half again the warm-up's share.
  floor: { absolute: 0.01, relative: 0.5 },
  afterLoad: 'request-path',
  liveLabel: 'errors',
  charts: [
    {
      id: 'errors',
      title: 'accept error rate',
      unit: 'ratio',
      series: [{ name: '5xx + 429 + unanswered share', color: '#e377c2', promql }],
    },
  ],
  related: [],
});
