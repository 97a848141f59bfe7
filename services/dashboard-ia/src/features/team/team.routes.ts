import {
  createTeamMemberSchema,
  createTeamTaskSchema,
  teamIdParamsSchema,
  teamMemberListSchema,
  teamMemberSchema,
  teamTaskExportQuerySchema,
  teamTaskListQuerySchema,
  teamTaskListSchema,
  teamTaskSchema,
  updateTeamMemberSchema,
  updateTeamTaskSchema,
} from '@castor/contracts';
import { principal, type RateSpec, type ServicePlugin } from '@castor/service-kit';
import { z } from 'zod';
import { sendCsv } from '../../shared/csv.js';
import { TEAM_BOARD_ROLES, TEAM_MEMBER_ADMIN_ROLES, TEAM_TASK_EDITOR_ROLES, type TeamService } from './team.service.js';

const boardReaders = { auth: { roles: TEAM_BOARD_ROLES } } as const;
const memberAdmins = { auth: { roles: TEAM_MEMBER_ADMIN_ROLES } } as const;
const taskEditors = { auth: { roles: TEAM_TASK_EDITOR_ROLES } } as const;
const noContent = { 204: z.null() } as const;

/** `/api/team`: the campaign team's members (roles, territories, linked accounts) and their tasks. */
export const teamRoutes: ServicePlugin<{ team: TeamService; exportRate: RateSpec }> = async (
  app,
  { team, exportRate },
) => {
  app.get(
    '/members',
    {
      config: boardReaders,
      schema: {
        tags: ['team'],
        summary: 'The team: each member with their role, territory, linked CASTOR account and open tasks',
        response: { 200: teamMemberListSchema },
      },
    },
    async () => ({ members: await team.listMembers() }),
  );

  app.post(
    '/members',
    {
      config: memberAdmins,
      schema: {
        tags: ['team'],
        summary: 'Add a member (admins); a CASTOR account already linked to another member answers 409',
        body: createTeamMemberSchema,
        response: { 201: teamMemberSchema },
      },
    },
    async (request, reply) => reply.code(201).send(await team.createMember(request.body)),
  );

  app.patch(
    '/members/:id',
    {
      config: memberAdmins,
      schema: {
        tags: ['team'],
        summary: "Change a member (admins); null clears the email, the territory or the account's link",
        params: teamIdParamsSchema,
        body: updateTeamMemberSchema,
        response: { 200: teamMemberSchema },
      },
    },
    async (request) => team.updateMember(request.params.id, request.body),
  );

  app.delete(
    '/members/:id',
    {
      config: memberAdmins,
      schema: {
        tags: ['team'],
        summary: 'Remove a member (admins); their tasks stay on the board without an owner',
        params: teamIdParamsSchema,
        response: noContent,
      },
    },
    async (request, reply) => {
      await team.deleteMember(request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/tasks',
    {
      config: boardReaders,
      schema: {
        tags: ['team'],
        summary: "The board's tasks, most urgent first; mine=true keeps the tasks of the caller's own member",
        querystring: teamTaskListQuerySchema,
        response: { 200: teamTaskListSchema },
      },
    },
    async (request) => ({ tasks: await team.listTasks(request.query, principal(request)) }),
  );

  app.get(
    '/tasks.csv',
    {
      config: { ...boardReaders, rateLimit: { max: exportRate.max, timeWindow: exportRate.windowMs } },
      schema: {
        tags: ['team'],
        summary: 'The tasks matching the same filters as a CSV download (formula-safe, UTF-8 with BOM)',
        querystring: teamTaskExportQuerySchema,
        response: { 200: z.string() },
      },
    },
    async (request, reply) => {
      const csv = await team.tasksCsv(request.query, principal(request));
      return sendCsv(reply, `tareas-equipo-${new Date().toISOString().slice(0, 10)}.csv`, csv);
    },
  );

  app.get(
    '/tasks/:id',
    {
      config: boardReaders,
      schema: {
        tags: ['team'],
        summary: 'One task with its owner and origin',
        params: teamIdParamsSchema,
        response: { 200: teamTaskSchema },
      },
    },
    async (request) => team.task(request.params.id),
  );

  app.post(
    '/tasks',
    {
      config: taskEditors,
      schema: {
        tags: ['team'],
        summary:
          'Create a task (admins and analysts), optionally assigned and tied to the trend or alert that raised it',
        body: createTeamTaskSchema,
        response: { 201: teamTaskSchema },
      },
    },
    async (request, reply) => reply.code(201).send(await team.createTask(request.body, principal(request))),
  );

  app.patch(
    '/tasks/:id',
    {
      config: boardReaders,
      schema: {
        tags: ['team'],
        summary:
          'Change a task: admins and analysts anything; a viewer only the status of the tasks of the member linked to their account',
        params: teamIdParamsSchema,
        body: updateTeamTaskSchema,
        response: { 200: teamTaskSchema },
      },
    },
    async (request) => team.updateTask(request.params.id, request.body, principal(request)),
  );

  app.delete(
    '/tasks/:id',
    {
      config: taskEditors,
      schema: {
        tags: ['team'],
        summary: 'Delete a task (admins and analysts)',
        params: teamIdParamsSchema,
        response: noContent,
      },
    },
    async (request, reply) => {
      await team.deleteTask(request.params.id);
      return reply.code(204).send(null);
    },
  );
};
