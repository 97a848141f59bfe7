import type { Role, TeamMember, TeamTask } from '@castor/contracts';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DashboardUnderTest, startDashboardForTests } from '../../testing.js';

type Caller = Role | 'fieldViewer' | 'otherViewer';
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

describe('/api/team/tasks', () => {
  let service: DashboardUnderTest;
  const tokens = {} as Record<Caller, string>;
  const userIds = {} as Record<Caller, string>;
  let lucia: TeamMember;
  let pedro: TeamMember;

  beforeAll(async () => {
    service = await startDashboardForTests();
    const callers = [
      ['admin', 'admin'],
      ['analyst', 'analyst'],
      ['viewer', 'viewer'],
      ['reviewer', 'reviewer'],
      ['witness', 'witness'],
      ['fieldViewer', 'viewer'],
      ['otherViewer', 'viewer'],
    ] as const;
    for (const [caller, role] of callers) {
      const session = await service.token(role);
      tokens[caller] = session.token;
      userIds[caller] = session.userId;
    }
    lucia = (
      await call('POST', '/api/team/members', 'admin', {
        name: 'Lucía Pardo',
        userId: userIds.fieldViewer,
        role: 'field',
        territory: 'Valle del Cauca',
      })
    ).json();
    pedro = (
      await call('POST', '/api/team/members', 'admin', {
        name: 'Pedro Ríos',
        userId: userIds.otherViewer,
        role: 'communications',
      })
    ).json();
  });
  afterAll(async () => service?.close());

  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, caller: Caller | null, payload?: unknown) =>
    service.app.inject({
      method,
      url,
      headers: caller === null ? {} : { authorization: `Bearer ${tokens[caller]}` },
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
  const createTask = async (payload: object, caller: Caller = 'analyst') => {
    const response = await call('POST', '/api/team/tasks', caller, payload);
    expect(response.statusCode, response.body).toBe(201);
    return response.json<TeamTask>();
  };
  const listTasks = async (query: string, caller: Caller = 'viewer') => {
    const response = await call('GET', `/api/team/tasks${query}`, caller);
    expect(response.statusCode, response.body).toBe(200);
    return response.json<{ tasks: TeamTask[] }>().tasks;
  };

  it('creates an assigned task with its origin stored as given, the creator and both timestamps', async () => {
    const origin = { kind: 'spike', id: 'spike:cepeda:2026-05-01T10', label: 'Pico de menciones negativas en Cali' };
    const task = await createTask({
      title: 'Responder al pico de Cali',
      description: 'Preparar un video corto',
      priority: 'urgent',
      ownerId: lucia.id,
      territory: 'Cali',
      dueDate: '2026-05-03',
      origin,
    });
    expect(task).toMatchObject({
      title: 'Responder al pico de Cali',
      description: 'Preparar un video corto',
      status: 'todo',
      priority: 'urgent',
      owner: { id: lucia.id, name: 'Lucía Pardo' },
      territory: 'Cali',
      dueDate: '2026-05-03',
      origin,
      createdBy: userIds.analyst,
    });
    expect(task.updatedAt).toBe(task.createdAt);
    const { rows } = await service.app.pg.query('SELECT origin FROM team_tasks WHERE id = $1', [task.id]);
    expect(rows[0].origin).toEqual(origin);

    const read = await call('GET', `/api/team/tasks/${task.id}`, 'viewer');
    expect(read.statusCode).toBe(200);
    expect(read.json()).toEqual(task);
    const members = await call('GET', '/api/team/members', 'viewer');
    expect(members.json<{ members: TeamMember[] }>().members.find((each) => each.id === lucia.id)?.openTasks).toBe(1);
  });

  it('lets admins and analysts create and delete tasks, and nobody else', async () => {
    const byAdmin = await createTask({ title: 'Tarea del admin' }, 'admin');
    expect(byAdmin.createdBy).toBe(userIds.admin);
    expect(byAdmin.owner).toBeNull();
    for (const caller of ['viewer', 'fieldViewer', 'reviewer', 'witness'] as const) {
      expect((await call('POST', '/api/team/tasks', caller, { title: 'No debería' })).statusCode).toBe(403);
      expect((await call('DELETE', `/api/team/tasks/${byAdmin.id}`, caller)).statusCode).toBe(403);
    }
    expect((await call('POST', '/api/team/tasks', null, { title: 'Anónima' })).statusCode).toBe(401);

    const removed = await call('DELETE', `/api/team/tasks/${byAdmin.id}`, 'analyst');
    expect(removed.statusCode).toBe(204);
    const gone = await call('GET', `/api/team/tasks/${byAdmin.id}`, 'viewer');
    expect(gone.statusCode).toBe(404);
    expect(gone.json().error.code).toBe('TEAM_TASK_UNKNOWN');
    const again = await call('DELETE', `/api/team/tasks/${byAdmin.id}`, 'admin');
    expect(again.statusCode).toBe(404);
    expect(again.json().error.code).toBe('TEAM_TASK_UNKNOWN');
  });

  it('keeps reviewers, witnesses and anonymous callers off the board', async () => {
    const task = await createTask({ title: 'Visible solo para la campaña' });
    for (const caller of ['reviewer', 'witness'] as const) {
      for (const url of ['/api/team/tasks', `/api/team/tasks/${task.id}`, '/api/team/tasks.csv']) {
        const response = await call('GET', url, caller);
        expect(response.statusCode, `${caller} ${url}`).toBe(403);
      }
      expect((await call('PATCH', `/api/team/tasks/${task.id}`, caller, { status: 'done' })).statusCode).toBe(403);
    }
    expect((await call('GET', '/api/team/tasks', null)).statusCode).toBe(401);
  });

  it('answers TEAM_MEMBER_UNKNOWN for an owner who is not on the team, on creation and on reassignment', async () => {
    const created = await call('POST', '/api/team/tasks', 'analyst', { title: 'Sin dueño real', ownerId: UNKNOWN_ID });
    expect(created.statusCode).toBe(404);
    expect(created.json().error.code).toBe('TEAM_MEMBER_UNKNOWN');

    const task = await createTask({ title: 'Reasignar esta', ownerId: lucia.id });
    const reassigned = await call('PATCH', `/api/team/tasks/${task.id}`, 'admin', { ownerId: UNKNOWN_ID });
    expect(reassigned.statusCode).toBe(404);
    expect(reassigned.json().error.code).toBe('TEAM_MEMBER_UNKNOWN');
    expect((await call('GET', `/api/team/tasks/${task.id}`, 'viewer')).json().owner.id).toBe(lucia.id);
  });

  it('lets an analyst change anything and keeps updatedAt moving', async () => {
    const task = await createTask({ title: 'Plan de medios', ownerId: lucia.id, dueDate: '2026-05-10' });
    const changed = await call('PATCH', `/api/team/tasks/${task.id}`, 'analyst', {
      title: 'Plan de medios regional',
      description: null,
      status: 'in_progress',
      priority: 'high',
      ownerId: pedro.id,
      territory: 'Antioquia',
      dueDate: null,
    });
    expect(changed.statusCode, changed.body).toBe(200);
    const body = changed.json<TeamTask>();
    expect(body).toMatchObject({
      id: task.id,
      title: 'Plan de medios regional',
      description: null,
      status: 'in_progress',
      priority: 'high',
      owner: { id: pedro.id, name: 'Pedro Ríos' },
      territory: 'Antioquia',
      dueDate: null,
      createdAt: task.createdAt,
    });
    expect(Date.parse(body.updatedAt)).toBeGreaterThan(Date.parse(task.updatedAt));
    const unassigned = await call('PATCH', `/api/team/tasks/${task.id}`, 'admin', { ownerId: null });
    expect(unassigned.json().owner).toBeNull();
  });

  it("lets a viewer move only the status of their own member's tasks", async () => {
    const own = await createTask({ title: 'Reunión con líderes', ownerId: lucia.id });
    const others = await createTask({ title: 'Comunicado de prensa', ownerId: pedro.id });
    const unowned = await createTask({ title: 'Sin responsable' });

    const moved = await call('PATCH', `/api/team/tasks/${own.id}`, 'fieldViewer', { status: 'done' });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json()).toMatchObject({ status: 'done', title: 'Reunión con líderes' });
    expect(Date.parse(moved.json().updatedAt)).toBeGreaterThan(Date.parse(own.updatedAt));

    for (const [caller, task, payload] of [
      ['fieldViewer', others, { status: 'done' }],
      ['fieldViewer', unowned, { status: 'done' }],
      ['viewer', own, { status: 'blocked' }],
      ['fieldViewer', own, { title: 'Otro título' }],
      ['fieldViewer', own, { status: 'todo', ownerId: pedro.id }],
    ] as const) {
      const refused = await call('PATCH', `/api/team/tasks/${task.id}`, caller, payload);
      expect(refused.statusCode, `${caller} ${task.title} ${JSON.stringify(payload)}`).toBe(403);
      expect(refused.json().error.code).toBe('TEAM_TASK_NOT_OWNER');
    }
    const after = (await call('GET', `/api/team/tasks/${own.id}`, 'viewer')).json<TeamTask>();
    expect(after).toMatchObject({ status: 'done', title: 'Reunión con líderes', owner: { id: lucia.id } });
    expect((await call('GET', `/api/team/tasks/${others.id}`, 'viewer')).json().status).toBe('todo');

    for (const payload of [{ status: 'done' }, { title: 'Otro título' }]) {
      const unknown = await call('PATCH', `/api/team/tasks/${UNKNOWN_ID}`, 'fieldViewer', payload);
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json().error.code).toBe('TEAM_TASK_UNKNOWN');
    }
  });

  it('filters the board by status, owner, territory and mine, most urgent first', async () => {
    const low = await createTask({ title: 'Baja prioridad', priority: 'low', ownerId: pedro.id, territory: 'Bogotá' });
    const urgent = await createTask({ title: 'Urgente', priority: 'urgent', ownerId: pedro.id, status: 'blocked' });
    const high = await createTask({ title: 'Alta', priority: 'high', ownerId: pedro.id, dueDate: '2026-05-02' });

    const pedros = await listTasks(`?ownerId=${pedro.id}`);
    expect(pedros.map((task) => task.id).filter((id) => [low.id, urgent.id, high.id].includes(id))).toEqual([
      urgent.id,
      high.id,
      low.id,
    ]);
    expect(pedros.every((task) => task.owner?.id === pedro.id)).toBe(true);
    expect((await listTasks('?status=blocked')).map((task) => task.id)).toEqual([urgent.id]);
    expect((await listTasks('?territory=Bogot%C3%A1')).map((task) => task.id)).toEqual([low.id]);
    expect((await listTasks('?limit=1')).length).toBe(1);

    const mine = await listTasks('?mine=true', 'otherViewer');
    expect(mine.length).toBeGreaterThanOrEqual(3);
    expect(mine.every((task) => task.owner?.id === pedro.id)).toBe(true);
    expect(await listTasks('?mine=true', 'viewer')).toEqual([]);
    expect((await listTasks('?mine=false', 'viewer')).length).toBeGreaterThan(mine.length);

    for (const query of ['?status=pending', '?mine=yes', '?limit=0', '?limit=501', '?ownerId=nope']) {
      const response = await call('GET', `/api/team/tasks${query}`, 'viewer');
      expect(response.statusCode, query).toBe(400);
      expect(response.json().error.code).toBe('VALIDATION_FAILED');
    }
  });

  it('answers 400 for invalid tasks and changes', async () => {
    const task = await createTask({ title: 'Validar entradas' });
    for (const [method, url, payload] of [
      ['POST', '/api/team/tasks', { title: 'ab' }],
      ['POST', '/api/team/tasks', { title: 'Estado raro', status: 'archived' }],
      ['POST', '/api/team/tasks', { title: 'Fecha mala', dueDate: '03/05/2026' }],
      ['POST', '/api/team/tasks', { title: 'Origen raro', origin: { kind: 'rumor', id: '1', label: 'x' } }],
      ['PATCH', `/api/team/tasks/${task.id}`, {}],
      ['PATCH', `/api/team/tasks/${task.id}`, { priority: 'critical' }],
      ['PATCH', '/api/team/tasks/not-a-uuid', { status: 'done' }],
    ] as const) {
      const response = await call(method, url, 'admin', payload);
      expect(response.statusCode, `${method} ${url} ${JSON.stringify(payload)}`).toBe(400);
      expect(response.json().error.code).toBe('VALIDATION_FAILED');
    }
    expect((await call('GET', '/api/team/tasks/not-a-uuid', 'admin')).statusCode).toBe(400);
  });

  it('exports the filtered board as a formula-safe CSV download', async () => {
    const injected = await createTask({
      title: '=HYPERLINK("http://malo.example","clic")',
      description: '+57 300 000 0000, "llamar"\nsegunda línea',
      ownerId: lucia.id,
      territory: '@Cali',
      origin: { kind: 'trend', id: 'trend:1', label: '-5% en favorabilidad' },
    });
    const response = await call('GET', `/api/team/tasks.csv?ownerId=${lucia.id}`, 'viewer');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toMatch(
      /^attachment; filename="tareas-equipo-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    expect(response.body.startsWith('\uFEFF')).toBe(true);

    const [header, ...rows] = parse(response.body, { bom: true }) as string[][];
    expect(header).toEqual([
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
    ]);
    const listed = await listTasks(`?ownerId=${lucia.id}`);
    expect(rows.map((row) => row[0])).toEqual(listed.map((task) => task.id));
    const row = rows.find((each) => each[0] === injected.id);
    expect(row).toEqual([
      injected.id,
      `'=HYPERLINK("http://malo.example","clic")`,
      `'+57 300 000 0000, "llamar"\nsegunda línea`,
      'todo',
      'medium',
      lucia.id,
      'Lucía Pardo',
      "'@Cali",
      '',
      'trend',
      'trend:1',
      "'-5% en favorabilidad",
      userIds.analyst,
      injected.createdAt,
      injected.updatedAt,
    ]);
    for (const line of rows) for (const cell of line) expect(cell).not.toMatch(/^[=+\-@\t\r]/);

    const mine = parse((await call('GET', '/api/team/tasks.csv?mine=true', 'otherViewer')).body, { bom: true });
    expect((mine as string[][]).slice(1).every((each) => each[5] === pedro.id)).toBe(true);
    const invalid = await call('GET', '/api/team/tasks.csv?status=pending', 'viewer');
    expect(invalid.statusCode).toBe(400);
  });
});
