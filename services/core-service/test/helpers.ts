import type { CoreUnderTest } from './testing.js';

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

export function postJson(core: CoreUnderTest, url: string, body: unknown, headers: Record<string, string> = {}) {
  return core.app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json', ...headers },
    payload: JSON.stringify(body),
  });
}
