import { errorResponseSchema, type ProcessAccepted, processAcceptedSchema } from '@castor/contracts';
import { ApiError, refreshSession } from '../../api/http';
import { session } from '../../api/session';

export const DOCUMENTS_PATH = '/api/e14/documents';

interface Answer {
  status: number;
  body: unknown;
}

/**
 * One POST of the form through XMLHttpRequest: fetch reports no upload progress, and a phone photo
 * on a slow network takes long enough that the person must see it move.
 */
function post(form: FormData, accessToken: string | undefined, onProgress: (fraction: number) => void) {
  return new Promise<Answer>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', DOCUMENTS_PATH);
    xhr.setRequestHeader('accept', 'application/json');
    if (accessToken) xhr.setRequestHeader('authorization', `Bearer ${accessToken}`);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    xhr.onload = () => {
      let body: unknown;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = undefined;
      }
      resolve({ status: xhr.status, body });
    };
    xhr.onerror = () => reject(new ApiError(0, 'NETWORK_ERROR', 'The upload did not reach the server'));
    xhr.send(form);
  });
}

/**
 * Queues a scanned E-14 (or the photos of one sheet's pages) with POST /api/e14/documents, reporting
 * upload progress from 0 to 1. Like every other call: the bearer token, one silent refresh on 401.
 */
export async function uploadDocument(form: FormData, onProgress: (fraction: number) => void): Promise<ProcessAccepted> {
  let answer = await post(form, session.current()?.accessToken, onProgress);
  if (answer.status === 401) {
    if (!(await refreshSession())) {
      throw new ApiError(401, 'SESSION_ENDED', 'The session ended: the refresh token was refused');
    }
    onProgress(0);
    answer = await post(form, session.current()?.accessToken, onProgress);
  }
  if (answer.status >= 200 && answer.status < 300) {
    const accepted = processAcceptedSchema.safeParse(answer.body);
    if (accepted.success) return accepted.data;
    throw new ApiError(answer.status, 'RESPONSE_INVALID', accepted.error.message);
  }
  const failure = errorResponseSchema.safeParse(answer.body);
  if (!failure.success) {
    throw new ApiError(answer.status, 'RESPONSE_INVALID', `HTTP ${answer.status} without an error body`);
  }
  const { code, message, requestId } = failure.data.error;
  throw new ApiError(answer.status, code, message, requestId);
}
