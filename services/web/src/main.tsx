import './zod-config';
import '@mantine/core/styles.css';
import './styles.css';
import { createTheme, MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { RouterProvider } from 'react-router';
import { ApiError } from './api/http';
import { session } from './api/session';
import { router } from './router';

// Shade 8 keeps white text on the primary colour above 4.5:1; autoContrast picks the text colour of filled badges and buttons for legibility (WCAG AA).
const theme = createTheme({
  primaryColor: 'indigo',
  primaryShade: 8,
  autoContrast: true,
  defaultRadius: 'sm',
  components: {
    // A wide table scrolls sideways inside its frame on a phone, not the whole page; the frame takes
    // keyboard focus so the arrow keys scroll it too (axe: scrollable-region-focusable).
    TableScrollContainer: { defaultProps: { type: 'native', tabIndex: 0 } },
  },
});

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // A 4xx will answer the same again; a network failure or a 5xx may not.
      retry: (failures, error) =>
        failures < 2 && !(error instanceof ApiError && error.status >= 400 && error.status < 500),
      refetchOnWindowFocus: false,
    },
  },
});
// What one person saw is not kept for the next one to sign in on this tab.
session.subscribe(() => {
  if (!session.current()) queryClient.clear();
});

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <MantineProvider theme={theme}>
      <QueryClientProvider client={queryClient}>
        <RouterProvider router={router} />
      </QueryClientProvider>
    </MantineProvider>
  </StrictMode>,
);
