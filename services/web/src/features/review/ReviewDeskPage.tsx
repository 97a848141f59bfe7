import { Stack, Tabs, Title } from '@mantine/core';
import { useSession } from '../../api/session';
import { t } from '../../i18n/es-CO';
import { DisagreementsPanel, ReviewersPanel } from './AdminPanels';
import { ReviewDesk } from './ReviewDesk';

/** The review desk; an admin also decides disagreements and sees every reviewer's accuracy. */
export default function ReviewDeskPage() {
  const isAdmin = useSession()?.user.role === 'admin';
  return (
    <Stack gap="md">
      <Title order={2}>{t.review.title}</Title>
      {isAdmin ? (
        <Tabs defaultValue="desk" keepMounted={false}>
          <Tabs.List mb="md">
            <Tabs.Tab value="desk">{t.review.tabs.desk}</Tabs.Tab>
            <Tabs.Tab value="disagreements">{t.review.tabs.disagreements}</Tabs.Tab>
            <Tabs.Tab value="reviewers">{t.review.tabs.reviewers}</Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="desk">
            <ReviewDesk />
          </Tabs.Panel>
          <Tabs.Panel value="disagreements">
            <DisagreementsPanel />
          </Tabs.Panel>
          <Tabs.Panel value="reviewers">
            <ReviewersPanel />
          </Tabs.Panel>
        </Tabs>
      ) : (
        <ReviewDesk />
      )}
    </Stack>
  );
}
