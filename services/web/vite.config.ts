import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** Where `pnpm start`'s gateway listens: the dev server sends /api/* there. */
const gateway = `http://127.0.0.1:${process.env.WEB_PORT ?? 8080}`;

// The app is served from the site root by the launcher's gateway (pnpm start) and by nginx in
// production; both route /api/* to the services, so the app calls relative URLs.
export default defineConfig({
  plugins: [react()],
  // The budget that matters is the sign-in route's JavaScript gzipped (issue 12: ≤ 300 KB), not
  // Rollup's minified-size warning.
  build: { outDir: 'dist', sourcemap: true, chunkSizeWarningLimit: 800 },
  // `pnpm --filter @castor/web dev` against a running `pnpm start`.
  server: { proxy: { '/api': gateway, '/.well-known': gateway } },
});
