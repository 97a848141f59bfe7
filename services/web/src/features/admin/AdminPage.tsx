import { Stack, Tabs, Title } from '@mantine/core';
import { useSearchParams } from 'react-router';
import { t } from '../../i18n/es-CO';
import { AuditPanel } from './AuditPanel';
import { ElectionsPanel } from './ElectionsPanel';
import { LeadsPanel } from './LeadsPanel';
import { UsersPanel } from './UsersPanel';
import { WitnessesPanel } from './WitnessesPanel';

const TABS = {
  usuarios: { label: t.admin.tabs.users, panel: <UsersPanel /> },
  testigos: { label: t.admin.tabs.witnesses, panel: <WitnessesPanel /> },
  elecciones: { label: t.admin.tabs.elections, panel: <ElectionsPanel /> },
  solicitudes: { label: t.admin.tabs.leads, panel: <LeadsPanel /> },
  auditoria: { label: t.admin.tabs.audit, panel: <AuditPanel /> },
} as const;
type TabName = keyof typeof TABS;
const isTab = (value: string | null): value is TabName => value !== null && value in TABS;

/** Administration: people and roles, witnesses' mesas, elections and their divipol, demo requests, the audit chain. The tab lives in the URL (?pestana=). */
export default function AdminPage() {
  const [params, setParams] = useSearchParams();
  const chosen = params.get('pestana');
  const tab: TabName = isTab(chosen) ? chosen : 'usuarios';

  return (
    <Stack gap="md">
      <Title order={2}>{t.admin.title}</Title>
      <Tabs
        value={tab}
        onChange={(value) => isTab(value) && setParams({ pestana: value }, { replace: true })}
        keepMounted={false}
      >
        <Tabs.List>
          {Object.entries(TABS).map(([value, { label }]) => (
            <Tabs.Tab key={value} value={value}>
              {label}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        {Object.entries(TABS).map(([value, { panel }]) => (
          <Tabs.Panel key={value} value={value} pt="md">
            {panel}
          </Tabs.Panel>
        ))}
      </Tabs>
    </Stack>
  );
}
