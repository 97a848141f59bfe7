import { errorResponseSchema } from '@castor/contracts';
import type { z } from 'zod';
import { ApiError, refreshSession } from './http';
import { session } from './session';

interface Answer {
  status: number;
  body: unknown;
}

/**
 * One POST of the form through XMLHttpRequest: fetch reports no upload progress, and a phone photo
 * on a slow network takes long enough that the person must see it move.
 */
function post(path: string, form: FormData, accessToken: string | undefined, onProgress: (fraction: number) => void) {
  return new Promise<Answer>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
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
 * POSTs a multipart form, reporting upload progress from 0 to 1, and parses the answer with
 * `schema`. Like every other call: the bearer token, one silent refresh on 401.
 */
export async function uploadForm<T>(
  path: string,
  form: FormData,
  schema: z.ZodType<T>,
  onProgress: (fraction: number) => void,
): Promise<T> {
  let answer = await post(path, form, session.current()?.accessToken, onProgress);
  if (answer.status === 401) {
    if (!(await refreshSession())) {
      throw new ApiError(401, 'SESSION_ENDED', 'The session ended: the refresh token was refused');
    }
    onProgress(0);
    answer = await post(path, form, session.current()?.accessToken, onProgress);
  }
  if (answer.status >= 200 && answer.status < 300) {
    const accepted = schema.safeParse(answer.body);
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
