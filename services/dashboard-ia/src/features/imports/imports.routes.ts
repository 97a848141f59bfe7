import { postImportResponseSchema } from '@castor/contracts';
import { httpError, principal, type ServicePlugin } from '@castor/service-kit';
import { z } from 'zod';
import type { ImportsService } from './imports.service.js';
import type { PostFileFormat } from './post-file.js';

const importers = { auth: { roles: ['admin', 'analyst'] } } as const;

const FORMAT_BY_TYPE: Record<string, PostFileFormat> = {
  'text/csv': 'csv',
  'application/x-ndjson': 'jsonl',
  'application/jsonl': 'jsonl',
  'application/x-jsonlines': 'jsonl',
};

const formatOf = (contentType: string | undefined): PostFileFormat | undefined =>
  FORMAT_BY_TYPE[(contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? ''];

/** `POST /api/media/import`: posts from a CSV or JSONL export, so the service works without X credentials. */
export const importsRoutes: ServicePlugin<{ imports: ImportsService; bodyLimitBytes: number }> = async (
  app,
  { imports, bodyLimitBytes },
) => {
  app.addContentTypeParser(
    Object.keys(FORMAT_BY_TYPE),
    { parseAs: 'buffer', bodyLimit: bodyLimitBytes },
    (_request, body, done) => done(null, body),
  );

  app.post(
    '/import',
    {
      config: importers,
      bodyLimit: bodyLimitBytes,
      schema: {
        tags: ['media'],
        summary:
          'Import posts from an export: text/csv with a header row, or application/x-ndjson (one JSON object per line). All or nothing; the first bad line is refused with its number. The same file twice is stored once (200 with replayed: true)',
        consumes: Object.keys(FORMAT_BY_TYPE),
        body: z.instanceof(Buffer).meta({ type: 'string', format: 'binary' }),
        response: { 200: postImportResponseSchema, 201: postImportResponseSchema },
      },
      // Before the body schema: a JSON or form body is refused for its type, not as an invalid body.
      preValidation: async (request) => {
        if (formatOf(request.headers['content-type']) === undefined) {
          throw httpError('IMPORT_FORMAT_UNSUPPORTED', 'Send the export as text/csv or application/x-ndjson');
        }
      },
    },
    async (request, reply) => {
      const format = formatOf(request.headers['content-type']) as PostFileFormat;
      const result = await imports.import(request.body, format, principal(request).sub);
      reply.code(result.replayed ? 200 : 201);
      return result;
    },
  );
};
