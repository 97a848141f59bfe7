import {
  createInvitationRequestSchema,
  errorResponseSchema,
  invitationResponseSchema,
  listUsersQuerySchema,
  updateUserRequestSchema,
  userIdParamsSchema,
  userListResponseSchema,
  userSchema,
} from '@castor/contracts';
import { principal, type ServiceApp } from '@castor/service-kit';
import type { UsersService } from './users-service.js';

const adminOnly = { auth: { roles: ['admin'] } } as const;

export async function usersRoutes(app: ServiceApp, users: UsersService): Promise<void> {
  app.get(
    '/api/users',
    {
      config: adminOnly,
      schema: {
        tags: ['users'],
        summary: 'List users',
        querystring: listUsersQuerySchema,
        response: { 200: userListResponseSchema },
      },
    },
    async (request) => users.list(request.query),
  );

  app.get(
    '/api/users/:id',
    {
      config: adminOnly,
      schema: {
        tags: ['users'],
        summary: 'One user',
        params: userIdParamsSchema,
        response: { 200: userSchema, 404: errorResponseSchema },
      },
    },
    async (request) => users.get(request.params.id),
  );

  app.patch(
    '/api/users/:id',
    {
      config: adminOnly,
      schema: {
        tags: ['users'],
        summary: 'Change role, name or disabled state (ends the sessions of a demoted or disabled user)',
        params: userIdParamsSchema,
        body: updateUserRequestSchema,
        response: { 200: userSchema, 404: errorResponseSchema, 409: errorResponseSchema },
      },
    },
    async (request) => users.update(principal(request).sub, request.params.id, request.body),
  );

  app.post(
    '/api/users/invitations',
    {
      config: adminOnly,
      schema: {
        tags: ['users'],
        summary: 'Invite a person with a role; they register with the returned token',
        body: createInvitationRequestSchema,
        response: { 201: invitationResponseSchema },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await users.invite(principal(request).sub, request.body.email, request.body.role)),
  );
}
