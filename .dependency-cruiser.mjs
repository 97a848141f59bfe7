// The layering the architecture asks for (services import packages, never each other; features
// stay apart; the domain stays pure; production code never needs a devDependency), checked in CI
// by `pnpm deps`. Paths are relative to the repository root.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = import.meta.dirname;

/** The workspace members that have a src/ (packages/* and services/*), by package name. */
function workspaceMembers() {
  const members = new Map();
  for (const parent of ['packages', 'services']) {
    for (const entry of readdirSync(join(root, parent), { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const folder = `${parent}/${entry.name}`;
      let manifest;
      try {
        manifest = JSON.parse(readFileSync(join(root, folder, 'package.json'), 'utf8'));
      } catch {
        // A folder without a manifest is not a workspace member (yet): nothing can depend on it.
        continue;
      }
      members.set(manifest.name, { folder, manifest });
    }
  }
  return members;
}

/**
 * dependency-cruiser types npm packages as npm-dev from the importer's package.json, but a
 * workspace package resolves to its real folder (packages/…, not node_modules), so it has no npm
 * type. One rule per member names the folders of its dev-only workspace dependencies instead.
 */
function devOnlyWorkspaceRules(members) {
  const rules = [];
  for (const { folder, manifest } of members.values()) {
    const devOnly = Object.keys(manifest.devDependencies ?? {})
      .filter((name) => members.has(name) && !(name in (manifest.dependencies ?? {})))
      .map((name) => members.get(name).folder);
    if (devOnly.length === 0) continue;
    rules.push({
      name: 'no-dev-deps-in-src',
      comment:
        `${folder}/src ships in production; ${devOnly.join(', ')} are only devDependencies of ` +
        `${manifest.name}, so they are not installed there. Test helpers belong in test/.`,
      severity: 'error',
      from: { path: `^${folder}/src/` },
      to: { path: `^(${devOnly.join('|')})/` },
    });
  }
  return rules;
}

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'no-cross-feature',
      comment:
        'A feature folder is one URL prefix with its routes, service and repository; features that ' +
        'import each other cannot be read, tested or moved alone. Share through src/shared, ' +
        'src/domain or src/db, or let app.ts wire a callback between them.',
      severity: 'error',
      from: { path: '^services/([^/]+)/src/features/([^/]+)/' },
      to: { path: '^services/$1/src/features/', pathNot: '^services/$1/src/features/$2/' },
    },
    {
      name: 'domain-is-pure',
      comment:
        'src/domain is the rules, fusion and statistics: pure logic that tests and benchmarks run ' +
        'without a database or a server. It takes data, not connections or requests.',
      severity: 'error',
      from: { path: '^services/[^/]+/src/domain/' },
      to: {
        path: [
          '(^|/)node_modules/(pg|pg-[^/]+|ioredis|drizzle-orm|fastify|fastify-[^/]+|@fastify/[^/]+)/',
          '^services/[^/]+/src/(features|db)/',
        ],
      },
    },
    {
      name: 'no-service-to-service',
      comment:
        'A service is one deployable: it imports packages, never another service (by path or by ' +
        'package name), or the two can no longer be built, deployed and scaled apart. What they ' +
        'share moves to a package.',
      severity: 'error',
      from: { path: '^services/([^/]+)/src/' },
      to: { path: '^services/(?!$1/)[^/]+/' },
    },
    {
      name: 'no-dev-deps-in-src',
      comment:
        'src ships in production images, which install dependencies only; a devDependency ' +
        'imported from src is missing there. Test helpers belong in test/.',
      severity: 'error',
      from: { path: '^(packages|services)/[^/]+/src/' },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['npm', 'npm-peer', 'npm-optional'] },
    },
    ...devOnlyWorkspaceRules(workspaceMembers()),
    {
      name: 'no-reaching-into-src',
      comment:
        "Scripts and benchmarks use a package's exports, as any other user does; a relative path " +
        "into another member's src bypasses what it chose to export and breaks when it is reorganised.",
      severity: 'error',
      from: { path: '^(scripts|bench)/' },
      to: { path: '^(packages|services)/[^/]+/src/', dependencyTypes: ['local'] },
    },
    {
      name: 'no-reaching-into-src',
      comment:
        "A member's own benchmarks and scripts may use its src; another member's src only through " +
        'that package’s exports.',
      severity: 'error',
      from: { path: '^(packages|services)/([^/]+)/(bench|scripts)/' },
      to: { path: '^(packages|services)/[^/]+/src/', pathNot: '^$1/$2/src/', dependencyTypes: ['local'] },
    },
    {
      name: 'no-circular-between-packages',
      comment:
        'Packages are layered (contracts → service-kit → domain packages → services); a cycle ' +
        'through two members means neither can be built, tested or understood without the other.',
      severity: 'error',
      from: { path: '^((packages|services)/[^/]+)/' },
      to: { circular: true, via: { pathNot: '^$1/' } },
    },
    {
      name: 'no-circular',
      comment:
        'A cycle inside a package makes module load order matter and hides which module is the ' +
        'lower layer; break it by moving what both need into a third module. A warning until the ' +
        'cycles in digit-recognizer and e14-service review are broken.',
      severity: 'warn',
      from: { path: '^((packages|services)/[^/]+)/' },
      to: { circular: true, viaOnly: { path: '^$1/' } },
    },
  ],
  options: {
    doNotFollow: { path: '(^|/)node_modules/' },
    exclude: { path: '(^|/)dist/' },
    // Type-only imports are dependencies of the source too (and cycles through them are cycles).
    tsPreCompilationDeps: true,
    // Absolute, so the config also works from a test whose working folder is elsewhere.
    tsConfig: { fileName: join(root, 'tsconfig.json') },
    enhancedResolveOptions: {
      // Workspace packages are reached through their "exports" (".", "./testing", ...).
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    skipAnalysisNotInRules: true,
  },
};
