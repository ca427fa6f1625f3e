import { describe, expect, it } from 'vitest';
import { authorizeTileRequest, msUntilExpiry, SESSION_KEY, sessionFromToken, SessionStore } from './auth';
import { MemoryStorage } from './ready';

const NOW = Date.parse('2025-06-01T08:00:00Z');
const session = (expiresAt: string) =>
  sessionFromToken('dispatcher', { accessToken: 'tok', expiresAt, roles: ['dispatcher'] });

describe('SessionStore', () => {
  it('saves and loads a valid session', () => {
    const storage = new MemoryStorage();
    new SessionStore(storage, () => NOW).save(session('2025-06-01T09:00:00Z'));
    const store = new SessionStore(storage, () => NOW);
    expect(store.load()).toMatchObject({ username: 'dispatcher', accessToken: 'tok', roles: ['dispatcher'] });
    expect(store.token()).toBe('tok');
  });

  it('drops an expired session', () => {
    const storage = new MemoryStorage();
    let now = NOW;
    const store = new SessionStore(storage, () => now);
    store.save(session('2025-06-01T08:30:00Z'));
    expect(store.token()).toBe('tok');
    now = Date.parse('2025-06-01T08:30:01Z');
    expect(store.token()).toBeNull();
    expect(storage.getItem(SESSION_KEY)).toBeNull();
  });

  it('drops a corrupt entry and clears on logout', () => {
    const storage = new MemoryStorage();
    storage.setItem(SESSION_KEY, '{not json');
    expect(new SessionStore(storage, () => NOW).load()).toBeNull();
    expect(storage.getItem(SESSION_KEY)).toBeNull();
    const store = new SessionStore(storage, () => NOW);
    store.save(session('2025-06-01T09:00:00Z'));
    store.clear();
    expect(store.load()).toBeNull();
  });

  it('treats an unparsable expiry as expired', () => {
    expect(msUntilExpiry(session('soon'), NOW)).toBeLessThan(0);
    expect(msUntilExpiry(session('2025-06-01T08:01:00Z'), NOW)).toBe(60_000);
  });
});

describe('authorizeTileRequest', () => {
  const origin = 'http://localhost:5080';
  it('adds the bearer token to same-origin /tiles/ URLs only', () => {
    expect(authorizeTileRequest(`${origin}/tiles/roads/13/6700/3500.pbf`, origin, 't')).toEqual({
      url: `${origin}/tiles/roads/13/6700/3500.pbf`,
      headers: { Authorization: 'Bearer t' },
    });
    expect(authorizeTileRequest('/tiles/buildings/1/0/0.pbf', origin, 't').headers).toEqual({ Authorization: 'Bearer t' });
    expect(authorizeTileRequest('https://evil.example/tiles/roads/1/0/0.pbf', origin, 't').headers).toBeUndefined();
    expect(authorizeTileRequest(`${origin}/api/me`, origin, 't').headers).toBeUndefined();
    expect(authorizeTileRequest(`${origin}/tiles/roads/1/0/0.pbf`, origin, null).headers).toBeUndefined();
  });
});
