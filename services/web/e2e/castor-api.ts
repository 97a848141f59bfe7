/** What the e2e journeys and the web bench set up or check through CASTOR's API, around the browser. */
export interface ApiCall {
  token?: string;
  /** Sent as JSON with POST; without a body the call is a GET. A string with `contentType` is sent as it is (a CSV). */
  body?: unknown;
  /** The body's media type when it is sent as it is (text/csv for a post import). */
  contentType?: string;
}

/** Calls CASTOR's API at `castor.url`; any answer but 2xx throws with its status and body. */
export async function castorApi<T>(castor: { url: string }, path: string, call: ApiCall = {}): Promise<T> {
  const raw = call.contentType !== undefined;
  const response = await fetch(`${castor.url}${path}`, {
    method: call.body === undefined ? 'GET' : 'POST',
    headers: {
      ...(call.body === undefined ? {} : { 'content-type': call.contentType ?? 'application/json' }),
      ...(call.token ? { authorization: `Bearer ${call.token}` } : {}),
    },
    body: call.body === undefined ? undefined : raw ? String(call.body) : JSON.stringify(call.body),
  });
  if (!response.ok) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}
