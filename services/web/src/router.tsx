import type { Role } from '@castor/contracts';
import { lazy, type ReactNode, useEffect, useState } from 'react';
import { createBrowserRouter, Navigate, Outlet, useLocation } from 'react-router';
import { refreshSession } from './api/http';
import { session, useSession } from './api/session';
import { AppShell, type NavItem } from './components/AppShell';
import { EmptyState } from './components/EmptyState';
import { PageSkeleton } from './components/PageSkeleton';
import { REGISTER_PATH } from './components/registration-link';
import { RegisterPage } from './features/register/RegisterPage';
import { SignInPage, type SignInState } from './features/sign-in/SignInPage';
import { t } from './i18n/es-CO';

const ElectionNightPage = lazy(() => import('./features/election-night/ElectionNightPage'));
const ReviewDeskPage = lazy(() => import('./features/review/ReviewDeskPage'));
const AlertsPage = lazy(() => import('./features/alerts/AlertsPage'));
const UploadPage = lazy(() => import('./features/upload/UploadPage'));
const AdminPage = lazy(() => import('./features/admin/AdminPage'));
const ResultsPage = lazy(() => import('./features/results/ResultsPage'));
const ConversationPage = lazy(() => import('./features/conversation/ConversationPage'));
const RivalsPage = lazy(() => import('./features/rivals/RivalsPage'));
const TrendsPage = lazy(() => import('./features/trends/TrendsPage'));
const TeamPage = lazy(() => import('./features/team/TeamPage'));
const IccePage = lazy(() => import('./features/icce/IccePage'));
const DocumentsPage = lazy(() => import('./features/documents/DocumentsPage'));
const ChatPage = lazy(() => import('./features/chat/ChatPage'));
const AdvisorPage = lazy(() => import('./features/advisor/AdvisorPage'));

export const SIGN_IN_PATH = '/ingresar';

interface PageRoute extends NavItem {
  element: ReactNode;
  /** A deeper address the page also answers, under its path: one item of it, as a link to share. */
  itemPath?: string;
}

/** Who sees the campaign's pages (dashboard-ia's readers): not reviewers or witnesses. */
const CAMPAIGN_ROLES: readonly Role[] = ['admin', 'analyst', 'viewer'];

/**
 * Every signed-in page, in navigation order: its path, its label, the roles that see it (in the
 * navigation and at its URL) and its component. Adding a page is one entry here.
 */
const PAGES: readonly PageRoute[] = [
  {
    path: 'noche-electoral',
    label: t.nav.electionNight,
    roles: ['admin', 'analyst', 'reviewer', 'viewer'],
    element: <ElectionNightPage />,
  },
  {
    path: 'resultados',
    label: t.results.nav,
    roles: ['admin', 'analyst', 'reviewer', 'viewer'],
    element: <ResultsPage />,
  },
  {
    path: 'conversacion',
    label: t.conversation.nav,
    roles: CAMPAIGN_ROLES,
    element: <ConversationPage />,
  },
  {
    path: 'rivales',
    label: t.rivals.nav,
    roles: CAMPAIGN_ROLES,
    element: <RivalsPage />,
  },
  {
    path: 'tendencias',
    label: t.trends.nav,
    roles: CAMPAIGN_ROLES,
    element: <TrendsPage />,
  },
  {
    path: 'icce',
    label: t.icce.nav,
    roles: CAMPAIGN_ROLES,
    element: <IccePage />,
  },
  {
    path: 'documentos',
    label: t.documents.nav,
    roles: CAMPAIGN_ROLES,
    element: <DocumentsPage />,
  },
  {
    path: 'chat',
    label: t.chat.nav,
    roles: CAMPAIGN_ROLES,
    element: <ChatPage />,
  },
  {
    path: 'asesor',
    label: t.advisor.nav,
    roles: CAMPAIGN_ROLES,
    element: <AdvisorPage />,
  },
  {
    path: 'equipo',
    label: t.team.nav,
    roles: CAMPAIGN_ROLES,
    element: <TeamPage />,
  },
  {
    path: 'revision',
    label: t.review.nav,
    roles: ['admin', 'reviewer'],
    element: <ReviewDeskPage />,
  },
  {
    path: 'alertas',
    label: t.alerts.nav,
    roles: ['admin', 'analyst', 'reviewer'],
    element: <AlertsPage />,
    itemPath: ':alertId',
  },
  {
    path: 'subir-actas',
    label: t.upload.nav,
    roles: ['admin', 'witness'],
    element: <UploadPage />,
  },
  {
    path: 'administracion',
    label: t.admin.nav,
    roles: ['admin'],
    element: <AdminPage />,
  },
];

/** Signed-in pages only: restores the session from the refresh token after a reload, else sends to sign-in. */
function RequireSession() {
  const current = useSession();
  const location = useLocation();
  const [restoring, setRestoring] = useState(() => current === null && session.refreshToken() !== null);
  useEffect(() => {
    if (!restoring) return;
    refreshSession()
      .catch(() => false)
      .finally(() => setRestoring(false));
  }, [restoring]);
  if (restoring) return <PageSkeleton label={t.app.restoring} />;
  if (!current) {
    const state: SignInState = { from: `${location.pathname}${location.search}`, reason: session.endReason() };
    return <Navigate to={SIGN_IN_PATH} replace state={state} />;
  }
  return <Outlet />;
}

function RequireRole({ roles, children }: { roles: readonly Role[]; children: ReactNode }) {
  const current = useSession();
  if (current && !roles.includes(current.user.role)) return <EmptyState title={t.app.forbidden} />;
  return children;
}

/** `/`: the first page the person's role may see. */
function Home() {
  const current = useSession();
  const first = PAGES.find((page) => current && page.roles.includes(current.user.role));
  return first ? <Navigate to={`/${first.path}`} replace /> : <EmptyState title={t.app.noPagesForRole} />;
}

export const router = createBrowserRouter([
  { path: SIGN_IN_PATH, element: <SignInPage /> },
  { path: REGISTER_PATH, element: <RegisterPage /> },
  {
    element: <RequireSession />,
    children: [
      {
        element: <AppShell pages={PAGES} />,
        children: [
          { index: true, element: <Home /> },
          ...PAGES.flatMap((page) =>
            [page.path, ...(page.itemPath ? [`${page.path}/${page.itemPath}`] : [])].map((path) => ({
              path,
              element: <RequireRole roles={page.roles}>{page.element}</RequireRole>,
            })),
          ),
          { path: '*', element: <EmptyState title={t.app.notFound} /> },
        ],
      },
    ],
  },
]);
