import { type ProcessAccepted, processAcceptedSchema } from '@castor/contracts';
import { uploadForm } from '../../api/upload-form';

export const DOCUMENTS_PATH = '/api/e14/documents';

/** Queues a scanned E-14 (or the photos of one sheet's pages) with POST /api/e14/documents. */
export function uploadDocument(form: FormData, onProgress: (fraction: number) => void): Promise<ProcessAccepted> {
  return uploadForm(DOCUMENTS_PATH, form, processAcceptedSchema, onProgress);
}
