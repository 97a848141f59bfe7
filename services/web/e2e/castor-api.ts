/** What the e2e journeys and the web bench set up or check through CASTOR's API, around the browser. */
export interface ApiCall {
  token?: string;
  /** Sent as JSON with POST; without a body the call is a GET. */
  body?: unknown;
}

/** Calls CASTOR's API at `castor.url`; any answer but 2xx throws with its status and body. */
export async function castorApi<T>(castor: { url: string }, path: string, call: ApiCall = {}): Promise<T> {
  const response = await fetch(`${castor.url}${path}`, {
    method: call.body === undefined ? 'GET' : 'POST',
    headers: {
      ...(call.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(call.token ? { authorization: `Bearer ${call.token}` } : {}),
    },
    body: call.body === undefined ? undefined : JSON.stringify(call.body),
  });
  if (!response.ok) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}
