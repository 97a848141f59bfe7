import type { TaskPriority, TaskStatus, TeamMember, TeamRole, TeamTask } from '@castor/contracts';
import { withTransaction } from '@castor/service-kit';
import type pg from 'pg';

const FOREIGN_KEY_VIOLATION = '23503';
const UNIQUE_VIOLATION = '23505';

export interface MemberFields {
  name: string;
  email: string | null;
  userId: string | null;
  role: TeamRole;
  territory: string | null;
}

export interface TaskFields {
  title: string;
  description: string | null;
  status: TaskStatus;
  priority: TaskPriority;
  ownerId: string | null;
  territory: string | null;
  dueDate: string | null;
}

export interface TaskFilter {
  status?: TaskStatus | undefined;
  ownerId?: string | undefined;
  territory?: string | undefined;
  /** Only the tasks owned by the member linked to this CASTOR account. */
  ownerUserId?: string | undefined;
  limit?: number | undefined;
}

/** Why a write was refused; the service turns it into an error code. */
export type WriteRefusal = 'member-unknown' | 'task-unknown' | 'user-taken' | 'owner-unknown' | 'not-owner';

type MemberRow = Omit<TeamMember, 'createdAt'> & { createdAt: Date };
type TaskRow = Omit<TeamTask, 'createdAt' | 'updatedAt'> & { createdAt: Date; updatedAt: Date };

const memberFromRow = (row: MemberRow): TeamMember => ({ ...row, createdAt: row.createdAt.toISOString() });
const taskFromRow = (row: TaskRow): TeamTask => ({
  ...row,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

const SELECT_MEMBERS = `
  SELECT m.id, m.user_id AS "userId", m.name, m.email, m.role, m.territory, m.created_at AS "createdAt",
         (SELECT count(*)::int FROM team_tasks t WHERE t.owner_id = m.id AND t.status <> 'done') AS "openTasks"
    FROM team_members m`;

const SELECT_TASKS = `
  SELECT t.id, t.title, t.description, t.status, t.priority, t.territory, t.origin,
         CASE WHEN m.id IS NULL THEN NULL ELSE json_build_object('id', m.id, 'name', m.name) END AS owner,
         to_char(t.due_date, 'YYYY-MM-DD') AS "dueDate", t.created_by AS "createdBy",
         t.created_at AS "createdAt", t.updated_at AS "updatedAt"
    FROM team_tasks t LEFT JOIN team_members m ON m.id = t.owner_id`;

/** The board's order: most urgent first, then the nearest due date, then the oldest. */
const TASK_ORDER = `ORDER BY array_position(ARRAY['urgent', 'high', 'medium', 'low'], t.priority),
                             t.due_date NULLS LAST, t.created_at, t.id`;

/** Request fields to their columns: the only names a dynamic UPDATE may write. */
const MEMBER_COLUMNS: Record<keyof MemberFields, string> = {
  name: 'name',
  email: 'email',
  userId: 'user_id',
  role: 'role',
  territory: 'territory',
};
const TASK_COLUMNS: Record<keyof TaskFields, string> = {
  title: 'title',
  description: 'description',
  status: 'status',
  priority: 'priority',
  ownerId: 'owner_id',
  territory: 'territory',
  dueDate: 'due_date',
};

const pgCode = (error: unknown) => (error as { code?: unknown }).code;

/** `SET a = $2, b = $3` for the given fields (values follow the id in $1) and their values. */
function assignments<T extends object>(columns: Record<keyof T, string>, changes: Partial<T>) {
  const entries = (Object.keys(changes) as (keyof T)[]).filter((key) => changes[key] !== undefined);
  return {
    set: entries.map((key, index) => `${columns[key]} = $${index + 2}`),
    values: entries.map((key) => changes[key]),
  };
}

/** Every SQL statement on the campaign team: members and their tasks. */
export class TeamRepository {
  constructor(private readonly pool: pg.Pool) {}

  async listMembers(): Promise<TeamMember[]> {
    const { rows } = await this.pool.query<MemberRow>(`${SELECT_MEMBERS} ORDER BY m.name, m.id`);
    return rows.map(memberFromRow);
  }

  async findMember(id: string): Promise<TeamMember | undefined> {
    const { rows } = await this.pool.query<MemberRow>(`${SELECT_MEMBERS} WHERE m.id = $1`, [id]);
    return rows[0] && memberFromRow(rows[0]);
  }

  async createMember(member: MemberFields): Promise<{ id: string } | WriteRefusal> {
    try {
      const { rows } = await this.pool.query<{ id: string }>(
        `INSERT INTO team_members (name, email, user_id, role, territory) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
        [member.name, member.email, member.userId, member.role, member.territory],
      );
      return rows[0] as { id: string };
    } catch (error) {
      if (pgCode(error) === UNIQUE_VIOLATION) return 'user-taken';
      throw error;
    }
  }

  async updateMember(id: string, changes: Partial<MemberFields>): Promise<'updated' | WriteRefusal> {
    const { set, values } = assignments(MEMBER_COLUMNS, changes);
    try {
      const { rowCount } = await this.pool.query(`UPDATE team_members SET ${set.join(', ')} WHERE id = $1`, [
        id,
        ...values,
      ]);
      return rowCount === 0 ? 'member-unknown' : 'updated';
    } catch (error) {
      if (pgCode(error) === UNIQUE_VIOLATION) return 'user-taken';
      throw error;
    }
  }

  /** Removes a member; their tasks stay on the board without an owner, marked as changed now. */
  async deleteMember(id: string): Promise<boolean> {
    return withTransaction(this.pool, async (client) => {
      await client.query(`UPDATE team_tasks SET updated_at = now() WHERE owner_id = $1`, [id]);
      const { rowCount } = await client.query(`DELETE FROM team_members WHERE id = $1`, [id]);
      return rowCount === 1;
    });
  }

  async listTasks(filter: TaskFilter): Promise<TeamTask[]> {
    const conditions: string[] = [];
    const values: unknown[] = [];
    const where = (condition: (placeholder: string) => string, value: unknown) => {
      values.push(value);
      conditions.push(condition(`$${values.length}`));
    };
    if (filter.status !== undefined) where((p) => `t.status = ${p}`, filter.status);
    if (filter.ownerId !== undefined) where((p) => `t.owner_id = ${p}`, filter.ownerId);
    if (filter.territory !== undefined) where((p) => `t.territory = ${p}`, filter.territory);
    if (filter.ownerUserId !== undefined) where((p) => `m.user_id = ${p}`, filter.ownerUserId);
    const whereClause = conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`;
    let limitClause = '';
    if (filter.limit !== undefined) {
      values.push(filter.limit);
      limitClause = `LIMIT $${values.length}`;
    }
    const { rows } = await this.pool.query<TaskRow>(
      `${SELECT_TASKS} ${whereClause} ${TASK_ORDER} ${limitClause}`,
      values,
    );
    return rows.map(taskFromRow);
  }

  async findTask(id: string): Promise<TeamTask | undefined> {
    const { rows } = await this.pool.query<TaskRow>(`${SELECT_TASKS} WHERE t.id = $1`, [id]);
    return rows[0] && taskFromRow(rows[0]);
  }

  async createTask(
    task: TaskFields & { origin: TeamTask['origin']; createdBy: string },
  ): Promise<{ id: string } | WriteRefusal> {
    try {
      const { rows } = await this.pool.query<{ id: string }>(
        `INSERT INTO team_tasks (title, description, status, priority, owner_id, territory, due_date, origin, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
        [
          task.title,
          task.description,
          task.status,
          task.priority,
          task.ownerId,
          task.territory,
          task.dueDate,
          task.origin,
          task.createdBy,
        ],
      );
      return rows[0] as { id: string };
    } catch (error) {
      if (pgCode(error) === FOREIGN_KEY_VIOLATION) return 'owner-unknown';
      throw error;
    }
  }

  /**
   * Changes a task and its `updated_at` in one statement. With `onlyOwnedBy`, the change applies only
   * when the task's owner is the member linked to that CASTOR account (checked in the same statement,
   * so a reassignment racing with it cannot let it through).
   */
  async updateTask(id: string, changes: Partial<TaskFields>, onlyOwnedBy?: string): Promise<'updated' | WriteRefusal> {
    const { set, values } = assignments(TASK_COLUMNS, changes);
    const ownerCondition =
      onlyOwnedBy === undefined
        ? ''
        : `AND owner_id IN (SELECT id FROM team_members WHERE user_id = $${values.length + 2})`;
    try {
      const { rowCount } = await this.pool.query(
        `UPDATE team_tasks SET ${[...set, 'updated_at = now()'].join(', ')} WHERE id = $1 ${ownerCondition}`,
        onlyOwnedBy === undefined ? [id, ...values] : [id, ...values, onlyOwnedBy],
      );
      if (rowCount === 1) return 'updated';
    } catch (error) {
      if (pgCode(error) === FOREIGN_KEY_VIOLATION) return 'owner-unknown';
      throw error;
    }
    const { rowCount } = await this.pool.query(`SELECT 1 FROM team_tasks WHERE id = $1`, [id]);
    return rowCount === 0 ? 'task-unknown' : 'not-owner';
  }

  async deleteTask(id: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(`DELETE FROM team_tasks WHERE id = $1`, [id]);
    return rowCount === 1;
  }
}
