import type { Role } from '@castor/contracts';
import { Anchor, Burger, Button, Group, AppShell as MantineAppShell, NavLink, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { Suspense } from 'react';
import { Outlet, NavLink as RouterNavLink } from 'react-router';
import { coreApi } from '../api/core';
import { useSession } from '../api/session';
import { t } from '../i18n/es-CO';
import { PageSkeleton } from './PageSkeleton';

export interface NavItem {
  path: string;
  label: string;
  roles: readonly Role[];
}

/** The frame of every signed-in page: header with the person and sign-out, navigation by role. */
export function AppShell({ pages }: { pages: readonly NavItem[] }) {
  const current = useSession();
  const [opened, { toggle, close }] = useDisclosure(false);
  if (!current) return null;
  const visible = pages.filter((page) => page.roles.includes(current.user.role));
  return (
    <MantineAppShell
      header={{ height: 56 }}
      navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="md"
    >
      <Anchor href="#contenido" className="skip-link">
        {t.app.skipToContent}
      </Anchor>
      <MantineAppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={t.app.openNavigation} />
            <Title order={1} size="h3">
              {t.app.name}
            </Title>
            <Text size="sm" visibleFrom="md">
              {t.app.tagline}
            </Text>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <Text size="sm" visibleFrom="xs">
              {t.app.signedInAs(current.user.name, current.user.role)}
            </Text>
            <Button variant="default" size="xs" onClick={() => void coreApi.signOut()}>
              {t.app.signOut}
            </Button>
          </Group>
        </Group>
      </MantineAppShell.Header>
      <MantineAppShell.Navbar p="xs" component="nav" aria-label={t.app.navigation}>
        {visible.map((page) => (
          <NavLink key={page.path} component={RouterNavLink} to={`/${page.path}`} label={page.label} onClick={close} />
        ))}
      </MantineAppShell.Navbar>
      <MantineAppShell.Main id="contenido">
        <Suspense fallback={<PageSkeleton />}>
          <Outlet />
        </Suspense>
      </MantineAppShell.Main>
    </MantineAppShell>
  );
}
