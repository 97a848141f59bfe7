import { type Candidate, type DivipolDocument, electionSchema } from '@castor/contracts';
import { httpError } from '@castor/service-kit';
import type { Multipart } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import {
  buildDivipolDocument,
  candidatesFromCsv,
  fromRegistraduriaIndex,
  mesasFromCsv,
} from '../../shared/divipol-formats.js';

interface DivipolParts {
  election: unknown;
  mesas: ReturnType<typeof mesasFromCsv> | undefined;
  candidates: Candidate[];
}

/**
 * Builds a divipol document from the multipart upload of `POST /api/elections/import/files`:
 * field "election" (JSON), file "mesas" (castor-divipol-csv/1) or "registraduria" (the
 * Registraduría mesa index JSON), and file "candidates" (CSV). Other parts are ignored.
 */
export async function divipolDocumentFromUpload(
  request: FastifyRequest,
  fileSizeLimitBytes: number,
): Promise<DivipolDocument> {
  if (!request.isMultipart())
    throw httpError('UNSUPPORTED_MEDIA_TYPE', 'Send multipart/form-data with the divipol files');
  const { election, mesas, candidates } = await readParts(request.parts({ limits: { fileSize: fileSizeLimitBytes } }));
  const parsedElection = electionSchema.safeParse(election);
  if (!parsedElection.success) {
    throw httpError(
      'DIVIPOL_INVALID',
      `election: ${parsedElection.error.issues[0]?.path.join('.')} ${parsedElection.error.issues[0]?.message}`,
    );
  }
  if (!mesas) throw httpError('DIVIPOL_INVALID', 'Send the mesas as a "mesas" CSV or a "registraduria" JSON file');
  return buildDivipolDocument(parsedElection.data, mesas, candidates);
}

async function readParts(parts: AsyncIterable<Multipart>): Promise<DivipolParts> {
  const read: DivipolParts = { election: undefined, mesas: undefined, candidates: [] };
  for await (const part of parts) {
    if (part.type === 'field') {
      if (part.fieldname === 'election') read.election = parseJson(String(part.value), 'The "election" field');
      continue;
    }
    const text = (await part.toBuffer()).toString('utf8');
    if (part.fieldname === 'mesas') read.mesas = mesasFromCsv(text);
    else if (part.fieldname === 'registraduria')
      read.mesas = fromRegistraduriaIndex(parseJson(text, 'The "registraduria" file'));
    else if (part.fieldname === 'candidates') read.candidates = candidatesFromCsv(text);
  }
  return read;
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw httpError('INVALID_JSON', `${what} is not valid JSON`);
  }
}
