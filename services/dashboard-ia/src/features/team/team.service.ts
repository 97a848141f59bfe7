import type {
  AccessTokenClaims,
  createTeamMemberSchema,
  createTeamTaskSchema,
  Role,
  TeamMember,
  TeamTask,
  teamTaskExportQuerySchema,
  updateTeamMemberSchema,
  updateTeamTaskSchema,
} from '@castor/contracts';
import { httpError } from '@castor/service-kit';
import type { z } from 'zod';
import { type CsvCell, toCsv } from '../../shared/csv.js';
import type { TaskFilter, TeamRepository, WriteRefusal } from './team.repository.js';

/** CASTOR roles that see the board (reviewers and witnesses work election night, not the campaign). */
export const TEAM_BOARD_ROLES = ['admin', 'analyst', 'viewer'] as const satisfies readonly Role[];
/** CASTOR roles that create, assign, edit and delete any task. */
export const TEAM_TASK_EDITOR_ROLES = ['admin', 'analyst'] as const satisfies readonly Role[];
/** CASTOR roles that manage the team's members. */
export const TEAM_MEMBER_ADMIN_ROLES = ['admin'] as const satisfies readonly Role[];

type TaskQuery = z.output<typeof teamTaskExportQuerySchema> & { limit?: number };

const TASKS_CSV_HEADER = [
  'id',
  'titulo',
  'descripcion',
  'estado',
  'prioridad',
  'responsable_id',
  'responsable',
  'territorio',
  'fecha_limite',
  'origen_tipo',
  'origen_id',
  'origen',
  'creada_por',
  'creada',
  'actualizada',
] as const;

function refusal(reason: WriteRefusal, id: string): never {
  switch (reason) {
    case 'member-unknown':
      throw httpError('TEAM_MEMBER_UNKNOWN', `No team member has id ${id}`);
    case 'owner-unknown':
      throw httpError('TEAM_MEMBER_UNKNOWN', 'The owner given is not a member of the team');
    case 'task-unknown':
      throw httpError('TEAM_TASK_UNKNOWN', `No task has id ${id}`);
    case 'user-taken':
      throw httpError('TEAM_MEMBER_USER_TAKEN', 'That CASTOR account is already linked to another team member');
    case 'not-owner':
      throw httpError('TEAM_TASK_NOT_OWNER', 'Only the owner of a task (or an admin or analyst) may change it');
  }
}

const isTaskEditor = (caller: AccessTokenClaims) => (TEAM_TASK_EDITOR_ROLES as readonly Role[]).includes(caller.role);

/** The campaign team's use cases: who may do what to members and tasks, and the error of each refusal. */
export class TeamService {
  constructor(private readonly repository: TeamRepository) {}

  listMembers(): Promise<TeamMember[]> {
    return this.repository.listMembers();
  }

  async createMember(body: z.output<typeof createTeamMemberSchema>): Promise<TeamMember> {
    const created = await this.repository.createMember({
      name: body.name,
      email: body.email ?? null,
      userId: body.userId ?? null,
      role: body.role,
      territory: body.territory ?? null,
    });
    if (typeof created === 'string') refusal(created, '');
    return this.member(created.id);
  }

  async updateMember(id: string, changes: z.output<typeof updateTeamMemberSchema>): Promise<TeamMember> {
    const result = await this.repository.updateMember(id, changes);
    if (result !== 'updated') refusal(result, id);
    return this.member(id);
  }

  async deleteMember(id: string): Promise<void> {
    if (!(await this.repository.deleteMember(id))) refusal('member-unknown', id);
  }

  /** `mine` narrows to the tasks of the member linked to the caller's account (none when unlinked). */
  listTasks(query: TaskQuery, caller: AccessTokenClaims): Promise<TeamTask[]> {
    const filter: TaskFilter = {
      status: query.status,
      ownerId: query.ownerId,
      territory: query.territory,
      ownerUserId: query.mine ? caller.sub : undefined,
      limit: query.limit,
    };
    return this.repository.listTasks(filter);
  }

  async task(id: string): Promise<TeamTask> {
    const task = await this.repository.findTask(id);
    if (!task) refusal('task-unknown', id);
    return task;
  }

  async createTask(body: z.output<typeof createTeamTaskSchema>, caller: AccessTokenClaims): Promise<TeamTask> {
    const created = await this.repository.createTask({
      title: body.title,
      description: body.description ?? null,
      status: body.status,
      priority: body.priority,
      ownerId: body.ownerId ?? null,
      territory: body.territory ?? null,
      dueDate: body.dueDate ?? null,
      origin: body.origin ?? null,
      createdBy: caller.sub,
    });
    if (typeof created === 'string') refusal(created, '');
    return this.task(created.id);
  }

  /**
   * Admins and analysts change anything; anyone else who sees the board may move the status of the
   * tasks owned by the member linked to their account, and nothing more.
   */
  async updateTask(
    id: string,
    changes: z.output<typeof updateTeamTaskSchema>,
    caller: AccessTokenClaims,
  ): Promise<TeamTask> {
    if (!isTaskEditor(caller) && Object.keys(changes).some((field) => field !== 'status')) {
      await this.task(id);
      throw httpError('TEAM_TASK_NOT_OWNER', 'Only admins and analysts change more than the status of a task');
    }
    const result = await this.repository.updateTask(id, changes, isTaskEditor(caller) ? undefined : caller.sub);
    if (result !== 'updated') refusal(result, id);
    return this.task(id);
  }

  async deleteTask(id: string): Promise<void> {
    if (!(await this.repository.deleteTask(id))) refusal('task-unknown', id);
  }

  /** Every task matching the filters as a spreadsheet, in the board's order. */
  async tasksCsv(query: TaskQuery, caller: AccessTokenClaims): Promise<string> {
    const tasks = await this.listTasks({ ...query, limit: undefined }, caller);
    const rows = tasks.map((task): CsvCell[] => [
      task.id,
      task.title,
      task.description,
      task.status,
      task.priority,
      task.owner?.id,
      task.owner?.name,
      task.territory,
      task.dueDate,
      task.origin?.kind,
      task.origin?.id,
      task.origin?.label,
      task.createdBy,
      task.createdAt,
      task.updatedAt,
    ]);
    return toCsv(TASKS_CSV_HEADER, rows);
  }

  private async member(id: string): Promise<TeamMember> {
    const member = await this.repository.findMember(id);
    if (!member) refusal('member-unknown', id);
    return member;
  }
}
