/**
 * The script of a worker thread named `name`, next to the module at `moduleUrl` (its
 * `import.meta.url`). From source (tsx, vitest) a thread needs tsx's loader, which the `.mjs` shim
 * registers; a bundle carries the worker compiled next to the code that starts it
 * (scripts/build-service.ts).
 */
export function workerUrl(moduleUrl: string, name: string): URL {
  return new URL(moduleUrl.endsWith('.ts') ? `./${name}.mjs` : `./${name}.js`, moduleUrl);
}
