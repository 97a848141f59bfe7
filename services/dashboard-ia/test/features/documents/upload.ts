import type { DashboardUnderTest } from '../../testing.js';

export interface FileToSend {
  filename: string;
  contentType: string;
  bytes: Uint8Array;
}

const BOUNDARY = 'castor-documents-boundary';

/** A multipart/form-data body with the file field "file" and, when given, the JSON field "metadata". */
export function multipartUpload(file: FileToSend, metadata?: unknown): { payload: Buffer; contentType: string } {
  const parts: Buffer[] = [];
  if (metadata !== undefined) {
    parts.push(
      Buffer.from(
        `--${BOUNDARY}\r\nContent-Disposition: form-data; name="metadata"\r\n\r\n${JSON.stringify(metadata)}\r\n`,
      ),
    );
  }
  parts.push(
    Buffer.from(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="${file.filename}"\r\nContent-Type: ${file.contentType}\r\n\r\n`,
    ),
    Buffer.from(file.bytes),
    Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
  );
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${BOUNDARY}` };
}

export function uploadDocument(service: DashboardUnderTest, token: string, file: FileToSend, metadata?: unknown) {
  const { payload, contentType } = multipartUpload(file, metadata);
  return service.app.inject({
    method: 'POST',
    url: '/api/documents',
    headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
    payload,
  });
}

/**
 * Waits until the backfill has embedded every stored passage (with embeddings configured, search
 * ranks differently before and after: a test that depends on the ranking waits for it).
 */
export async function untilEmbedded(service: DashboardUnderTest, token: string): Promise<void> {
  for (let attempt = 0; attempt < 400; attempt += 1) {
    const response = await service.app.inject({
      method: 'GET',
      url: '/api/chat/rag/stats',
      headers: { authorization: `Bearer ${token}` },
    });
    if (response.json().vectors?.pending === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the passages were never embedded');
}
