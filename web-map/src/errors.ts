import { ApiError } from './api';
import type { I18n } from './i18n';

/** The text to show the user for a failure: the server's ProblemDetails.detail when there is one. */
export function describeError(error: unknown, i18n: I18n): string {
  if (error instanceof ApiError) {
    // No status at all, or a proxy/gateway answering for a server that is down, without a detail of its own.
    if (error.isNetwork || (!error.detail && [502, 503, 504].includes(error.status))) return i18n.t('error.network');
    return error.detail || error.title || i18n.t('error.http', { status: error.status });
  }
  if (error instanceof Error && error.message) return error.message;
  return String(error);
}
