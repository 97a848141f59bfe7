import { request as httpRequest } from 'node:http';
import { describe, expect, it } from 'vitest';
import { beforeAllStarted } from '../../support/lifecycle.js';
import { listeningE14 } from '../../support/pipeline-fixtures.js';

/**
 * Multipart bodies a phone on a bad connection (or a broken client) sends: no boundary in the
 * Content-Type, or a body that stops in the middle of a part. Every multipart route refuses them
 * with 400 MULTIPART_INVALID, never a 500.
 */
const ROUTES = ['/api/e14/documents', '/api/elections/import/files'];
const BOUNDARY = 'castorBoundary7MA4YWxkTrZu0gW';
let baseUrl: string;
let admin: string;

beforeAllStarted(
  () => listeningE14({ E14_PIPELINE_AUTOSTART: 'false' }),
  (started) => {
    ({ baseUrl, admin } = started);
  },
);

/** Sends `chunks` as a chunked body (no Content-Length), the way a streaming client does. */
function post(path: string, contentType: string, chunks: string[]): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      new URL(path, baseUrl),
      { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': contentType } },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          text += chunk;
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) }));
      },
    );
    outgoing.on('error', reject);
    for (const chunk of chunks) outgoing.write(chunk);
    outgoing.end();
  });
}

const fieldPart = (name: string, value: string) =>
  `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
const fileHead = (name: string) =>
  `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"; filename="e14.pdf"\r\n` +
  'Content-Type: application/pdf\r\n\r\n';

describe('malformed multipart uploads', () => {
  it('refuses multipart/form-data without a boundary with 400 MULTIPART_INVALID', async () => {
    for (const path of ROUTES) {
      const response = await post(path, 'multipart/form-data', [fieldPart('electionCode', 'X-1'), fileHead('file')]);
      expect([path, response.status, response.body]).toMatchObject([
        path,
        400,
        { error: { code: 'MULTIPART_INVALID', message: expect.stringMatching(/boundary/i) } },
      ]);
    }
  });

  it('refuses a body that stops in the middle of a part with 400 MULTIPART_INVALID', async () => {
    const contentType = `multipart/form-data; boundary=${BOUNDARY}`;
    for (const path of ROUTES) {
      for (const cut of [
        [fieldPart('electionCode', 'X-1'), fileHead('file'), '%PDF-1.4\n1 0 obj'],
        [fieldPart('election', '{"code":"X-1"}'), fileHead('mesas')],
        [`--${BOUNDARY}\r\nContent-Disposition: form-da`],
      ]) {
        const response = await post(path, contentType, cut);
        expect([path, response.status, response.body]).toMatchObject([
          path,
          400,
          { error: { code: 'MULTIPART_INVALID', message: expect.stringMatching(/incomplete|ended/i) } },
        ]);
      }
    }
  });
});
