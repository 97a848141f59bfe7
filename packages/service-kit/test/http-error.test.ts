import { ERROR_STATUS, errorStatus } from '@castor/contracts';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorHandler, notFoundHandler } from '../src/error-handler.js';
import { AppError, type ErrorCode, httpError, notFound, registeredStatus, unprocessable } from '../src/errors.js';

describe('httpError: one status per code, from the contracts registry', () => {
  let app: FastifyInstance;

  beforeAll(async () => {
    app = Fastify({ logger: false });
    app.setErrorHandler(errorHandler);
    app.setNotFoundHandler(notFoundHandler);
    app.get<{ Params: { code: string } }>('/throw/:code', async (request) => {
      throw httpError(request.params.code as ErrorCode, `thrown ${request.params.code}`, { seen: true });
    });
    // The legacy form: the status given here is overruled by the registered one.
    app.get('/legacy', async () => {
      throw new AppError(400, 'MESA_UNKNOWN', 'legacy status');
    });
    app.get('/legacy-unregistered', async () => {
      throw new AppError(418, 'NOT_IN_THE_REGISTRY', 'kept as given');
    });
    app.get('/helper', async () => {
      throw notFound('No such mesa', 'MESA_UNKNOWN');
    });
    app.post('/json', async () => ({ ok: true }));
    await app.ready();
  });

  afterAll(() => app.close());

  it('answers each registered code with its registered status and { error: { code } }', async () => {
    for (const code of ['NOT_FOUND', 'ELECTION_UNKNOWN', 'CORPORATION_NOT_IN_ELECTION', 'INVITATION_INVALID', 'BUSY']) {
      const response = await app.inject({ method: 'GET', url: `/throw/${code}` });
      expect(response.statusCode).toBe(ERROR_STATUS[code as ErrorCode]);
      expect(response.json()).toMatchObject({
        error: { code, message: `thrown ${code}`, details: { seen: true }, requestId: expect.any(String) },
      });
    }
  });

  it('builds errors with the registered status, and refuses an unregistered code at construction', async () => {
    const error = httpError('REVIEW_TASK_NOT_FOUND', 'No review task 7');
    expect(error).toBeInstanceOf(AppError);
    expect(error.statusCode).toBe(404);
    expect(() => httpError('NOT_A_REGISTERED_CODE' as ErrorCode, 'oops')).toThrow(/not registered/);
    expect(() => httpError('NOT_A_REGISTERED_CODE' as ErrorCode, 'oops')).not.toThrow(AppError);
    expect(() => unprocessable('NOT_A_REGISTERED_CODE', 'oops')).toThrow(/not registered/);
    expect(registeredStatus('CORPORATION_NOT_IN_ELECTION')).toBe(422);
    expect(() => registeredStatus('NOT_A_REGISTERED_CODE' as ErrorCode)).toThrow(/not registered/);
    // Thrown in a route, the programming error is a 500 whose details stay in the log.
    const response = await app.inject({ method: 'GET', url: '/throw/NOT_A_REGISTERED_CODE' });
    expect(response.statusCode).toBe(500);
    expect(response.json().error.code).toBe('INTERNAL_ERROR');
  });

  it('answers the registered status whatever status the legacy constructor or helper was given', async () => {
    const legacy = await app.inject({ method: 'GET', url: '/legacy' });
    expect(legacy.statusCode).toBe(errorStatus('MESA_UNKNOWN'));
    expect(legacy.json().error.code).toBe('MESA_UNKNOWN');
    const helper = await app.inject({ method: 'GET', url: '/helper' });
    expect(helper.statusCode).toBe(errorStatus('MESA_UNKNOWN'));
    const unregistered = await app.inject({ method: 'GET', url: '/legacy-unregistered' });
    expect(unregistered.statusCode).toBe(418);
  });

  it("answers Fastify's own failures with the registered status of their code", async () => {
    const postJson = (contentType: string, payload: string) =>
      app.inject({ method: 'POST', url: '/json', headers: { 'content-type': contentType }, payload });
    const media = await postJson('text/x-nope', 'x');
    expect(media.statusCode).toBe(errorStatus('UNSUPPORTED_MEDIA_TYPE'));
    expect(media.json().error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const json = await postJson('application/json', '{');
    expect(json.statusCode).toBe(errorStatus('INVALID_JSON'));
    expect(json.json().error.code).toBe('INVALID_JSON');
    const route = await app.inject({ method: 'GET', url: '/nowhere' });
    expect(route.statusCode).toBe(errorStatus('ROUTE_NOT_FOUND'));
    expect(route.json().error.code).toBe('ROUTE_NOT_FOUND');
  });
});
