import { z } from 'zod';
import { decimalIntegerSchema, emailSchema, isoDateTimeSchema, uuidSchema } from '../common.js';

export const TEAM_ROLES = ['coordinator', 'analyst', 'communications', 'field', 'volunteer'] as const;
export const TASK_STATUSES = ['todo', 'in_progress', 'blocked', 'done'] as const;
export const TASK_PRIORITIES = ['low', 'medium', 'high', 'urgent'] as const;
export type TeamRole = (typeof TEAM_ROLES)[number];
export type TaskStatus = (typeof TASK_STATUSES)[number];
export type TaskPriority = (typeof TASK_PRIORITIES)[number];

/** A territory as campaigns name it: a departamento or municipio name or DIVIPOLA code ("Valle del Cauca", "76-001"). */
const territorySchema = z.string().trim().min(2).max(120);

export const teamMemberSchema = z.object({
  id: uuidSchema,
  /** The member's CASTOR account (core-service user id), when they have one: they may then move their own tasks. */
  userId: z.string().nullable(),
  name: z.string(),
  email: z.string().nullable(),
  role: z.enum(TEAM_ROLES),
  territory: z.string().nullable(),
  openTasks: z.number().int(),
  createdAt: isoDateTimeSchema,
});
export type TeamMember = z.infer<typeof teamMemberSchema>;

export const createTeamMemberSchema = z.object({
  name: z.string().trim().min(2).max(120),
  email: emailSchema.optional(),
  userId: z.string().trim().min(1).max(64).optional(),
  role: z.enum(TEAM_ROLES),
  territory: territorySchema.optional(),
});
/** A change to a member; `null` clears the email, the territory or the link to a CASTOR account. */
export const updateTeamMemberSchema = z
  .object({
    name: createTeamMemberSchema.shape.name,
    email: emailSchema.nullable(),
    userId: createTeamMemberSchema.shape.userId.unwrap().nullable(),
    role: z.enum(TEAM_ROLES),
    territory: territorySchema.nullable(),
  })
  .partial()
  .refine((value) => Object.keys(value).length > 0, {
    message: 'change at least one field',
  });
export const teamMemberListSchema = z.object({ members: z.array(teamMemberSchema) });

/** What raised a task: a trend, a spike, an analysis or an advisor's recommendation. */
export const taskOriginSchema = z.object({
  kind: z.enum(['trend', 'spike', 'analysis', 'recommendation']),
  id: z.string().max(200),
  label: z.string().max(300),
});

export const teamTaskSchema = z.object({
  id: uuidSchema,
  title: z.string(),
  description: z.string().nullable(),
  status: z.enum(TASK_STATUSES),
  priority: z.enum(TASK_PRIORITIES),
  owner: z.object({ id: uuidSchema, name: z.string() }).nullable(),
  territory: z.string().nullable(),
  dueDate: z.iso.date().nullable(),
  origin: taskOriginSchema.nullable(),
  createdBy: z.string(),
  createdAt: isoDateTimeSchema,
  updatedAt: isoDateTimeSchema,
});
export type TeamTask = z.infer<typeof teamTaskSchema>;

export const createTeamTaskSchema = z.object({
  title: z.string().trim().min(3).max(200),
  description: z.string().trim().max(4_000).optional(),
  status: z.enum(TASK_STATUSES).default('todo'),
  priority: z.enum(TASK_PRIORITIES).default('medium'),
  ownerId: uuidSchema.optional(),
  territory: territorySchema.optional(),
  dueDate: z.iso.date().optional(),
  origin: taskOriginSchema.optional(),
});
export const updateTeamTaskSchema = z
  .object({
    title: z.string().trim().min(3).max(200),
    description: z.string().trim().max(4_000).nullable(),
    status: z.enum(TASK_STATUSES),
    priority: z.enum(TASK_PRIORITIES),
    ownerId: uuidSchema.nullable(),
    territory: territorySchema.nullable(),
    dueDate: z.iso.date().nullable(),
  })
  .partial()
  .refine((value) => Object.keys(value).length > 0, { message: 'change at least one field' });

export const teamTaskListQuerySchema = z.object({
  status: z.enum(TASK_STATUSES).optional(),
  ownerId: uuidSchema.optional(),
  territory: territorySchema.optional(),
  /** Only the tasks of the team member linked to the caller's account. */
  mine: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true'),
  limit: decimalIntegerSchema({ min: 1, max: 500 }).default(200),
});
/** The CSV export takes the list's filters and holds every matching task. */
export const teamTaskExportQuerySchema = teamTaskListQuerySchema.omit({ limit: true });
export const teamTaskListSchema = z.object({ tasks: z.array(teamTaskSchema) });
export const teamIdParamsSchema = z.object({ id: uuidSchema });
