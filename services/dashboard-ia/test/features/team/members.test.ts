import type { Role, TeamMember } from '@castor/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DashboardUnderTest, startDashboardForTests } from '../../testing.js';

describe('/api/team/members', () => {
  let service: DashboardUnderTest;
  const tokens = {} as Record<Role, string>;
  const userIds = {} as Record<Role, string>;

  beforeAll(async () => {
    service = await startDashboardForTests();
    for (const role of ['admin', 'analyst', 'viewer', 'reviewer', 'witness'] as const) {
      const session = await service.token(role);
      tokens[role] = session.token;
      userIds[role] = session.userId;
    }
  });
  afterAll(async () => service?.close());

  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, role: Role | null, payload?: unknown) =>
    service.app.inject({
      method,
      url,
      headers: role === null ? {} : { authorization: `Bearer ${tokens[role]}` },
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
  const addMember = async (payload: object) => {
    const response = await call('POST', '/api/team/members', 'admin', payload);
    expect(response.statusCode).toBe(201);
    return response.json<TeamMember>();
  };

  it('lets an admin add a member linked to a CASTOR account, and every board role read the list', async () => {
    const member = await addMember({
      name: 'Lucía Pardo',
      email: 'lucia@campana.co',
      userId: userIds.viewer,
      role: 'field',
      territory: 'Valle del Cauca',
    });
    expect(member).toMatchObject({
      name: 'Lucía Pardo',
      email: 'lucia@campana.co',
      userId: userIds.viewer,
      role: 'field',
      territory: 'Valle del Cauca',
      openTasks: 0,
    });
    expect(Date.parse(member.createdAt)).toBeGreaterThan(Date.now() - 60_000);

    for (const role of ['admin', 'analyst', 'viewer'] as const) {
      const list = await call('GET', '/api/team/members', role);
      expect(list.statusCode).toBe(200);
      expect(list.json<{ members: TeamMember[] }>().members.map((each) => each.id)).toContain(member.id);
    }
  });

  it('keeps election-night roles and anonymous callers off the board', async () => {
    for (const role of ['reviewer', 'witness'] as const) {
      const response = await call('GET', '/api/team/members', role);
      expect(response.statusCode).toBe(403);
    }
    expect((await call('GET', '/api/team/members', null)).statusCode).toBe(401);
  });

  it('lets only admins add, change or remove members', async () => {
    const member = await addMember({ name: 'Pedro Ríos', role: 'volunteer' });
    for (const role of ['analyst', 'viewer', 'reviewer'] as const) {
      expect((await call('POST', '/api/team/members', role, { name: 'Otra', role: 'field' })).statusCode).toBe(403);
      expect((await call('PATCH', `/api/team/members/${member.id}`, role, { role: 'field' })).statusCode).toBe(403);
      expect((await call('DELETE', `/api/team/members/${member.id}`, role)).statusCode).toBe(403);
    }
    const after = await call('GET', '/api/team/members', 'admin');
    expect(after.json<{ members: TeamMember[] }>().members.find((each) => each.id === member.id)?.role).toBe(
      'volunteer',
    );
  });

  it('refuses to link one CASTOR account to two members (409), on creation and on change', async () => {
    await addMember({ name: 'Ana Gómez', userId: userIds.analyst, role: 'analyst' });
    const twice = await call('POST', '/api/team/members', 'admin', {
      name: 'Ana G.',
      userId: userIds.analyst,
      role: 'communications',
    });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error.code).toBe('TEAM_MEMBER_USER_TAKEN');

    const other = await addMember({ name: 'Jorge Díaz', role: 'coordinator' });
    const relink = await call('PATCH', `/api/team/members/${other.id}`, 'admin', { userId: userIds.analyst });
    expect(relink.statusCode).toBe(409);
    expect(relink.json().error.code).toBe('TEAM_MEMBER_USER_TAKEN');
  });

  it('changes a member and clears optional fields with null', async () => {
    const member = await addMember({
      name: 'Sofía Mejía',
      email: 'sofia@campana.co',
      userId: userIds.admin,
      role: 'communications',
      territory: 'Antioquia',
    });
    const changed = await call('PATCH', `/api/team/members/${member.id}`, 'admin', {
      territory: '05-001',
      email: null,
      userId: null,
      role: 'coordinator',
    });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({
      id: member.id,
      name: 'Sofía Mejía',
      territory: '05-001',
      email: null,
      userId: null,
      role: 'coordinator',
    });
  });

  it('answers 400 for invalid input and 404 for an unknown member', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    for (const [method, url, payload] of [
      ['PATCH', `/api/team/members/${unknown}`, { role: 'field' }],
      ['DELETE', `/api/team/members/${unknown}`, undefined],
    ] as const) {
      const response = await call(method, url, 'admin', payload);
      expect(response.statusCode).toBe(404);
      expect(response.json().error.code).toBe('TEAM_MEMBER_UNKNOWN');
    }
    const invalid = [
      ['POST', '/api/team/members', { name: 'X', role: 'field' }],
      ['POST', '/api/team/members', { name: 'Nombre', role: 'boss' }],
      ['POST', '/api/team/members', { name: 'Nombre', role: 'field', email: 'not-an-email' }],
      ['PATCH', `/api/team/members/${unknown}`, {}],
      ['PATCH', '/api/team/members/not-a-uuid', { role: 'field' }],
    ] as const;
    for (const [method, url, payload] of invalid) {
      const response = await call(method, url, 'admin', payload);
      expect(response.statusCode, `${method} ${url} ${JSON.stringify(payload)}`).toBe(400);
      expect(response.json().error.code).toBe('VALIDATION_FAILED');
    }
  });

  it('removes a member and leaves their tasks on the board without an owner, marked as changed', async () => {
    const member = await addMember({ name: 'Carlos Mora', role: 'field' });
    const created = await call('POST', '/api/team/tasks', 'analyst', { title: 'Volanteo en Cali', ownerId: member.id });
    expect(created.statusCode).toBe(201);
    const task = created.json();
    const listed = await call('GET', '/api/team/members', 'viewer');
    expect(listed.json<{ members: TeamMember[] }>().members.find((each) => each.id === member.id)?.openTasks).toBe(1);

    const removed = await call('DELETE', `/api/team/members/${member.id}`, 'admin');
    expect(removed.statusCode).toBe(204);
    expect(removed.body).toBe('');
    const after = (await call('GET', `/api/team/tasks/${task.id}`, 'viewer')).json();
    expect(after.owner).toBeNull();
    expect(Date.parse(after.updatedAt)).toBeGreaterThan(Date.parse(task.updatedAt));
    expect((await call('DELETE', `/api/team/members/${member.id}`, 'admin')).statusCode).toBe(404);
  });
});
