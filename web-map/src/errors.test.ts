import { describe, expect, it } from 'vitest';
import { ApiError } from './api';
import { describeError } from './errors';
import { I18n } from './i18n';
import { MemoryStorage } from './ready';

describe('describeError', () => {
  const i18n = new I18n(new MemoryStorage());

  it('shows the server detail as it is', () => {
    expect(describeError(new ApiError(401, 'Sign-in failed', 'The username or password is not correct.'), i18n)).toBe(
      'The username or password is not correct.',
    );
  });

  it('falls back to the title, then to a generic HTTP message', () => {
    expect(describeError(new ApiError(500, 'Server Error', ''), i18n)).toBe('Server Error');
    expect(describeError(new ApiError(418, '', ''), i18n)).toBe('请求失败（HTTP 418）');
  });

  it('says the server is unreachable for network errors and bare gateway errors', () => {
    expect(describeError(new ApiError(0, 'network', 'Failed to fetch'), i18n)).toBe(i18n.t('error.network'));
    expect(describeError(new ApiError(502, 'Bad Gateway', ''), i18n)).toBe(i18n.t('error.network'));
    expect(describeError(new ApiError(503, 'Unavailable', '维护中'), i18n)).toBe('维护中');
  });
});
