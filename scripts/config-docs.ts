/**
 * Generates the configuration table in README.md and the .env.example file from the services' zod
 * environment schemas, so the documentation cannot drift from what the code accepts.
 *   tsx scripts/config-docs.ts          rewrite both
 *   tsx scripts/config-docs.ts --check  fail when either is out of date (CI)
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { coreEnvSchema } from '@castor/core-service/config';
import { dashboardEnvSchema } from '@castor/dashboard-ia/config';
import { e14EnvSchema } from '@castor/e14-service/config';
import type { z } from 'zod';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');

/** Adding a service's configuration to the docs is one entry here. */
const SERVICES: Array<{ name: string; schema: z.ZodObject }> = [
  { name: 'core-service', schema: coreEnvSchema },
  { name: 'e14-service', schema: e14EnvSchema },
  { name: 'dashboard-ia', schema: dashboardEnvSchema },
];

interface Variable {
  name: string;
  services: string[];
  required: boolean;
  defaultValue: string | undefined;
  description: string;
}

/** Walks wrappers (default, optional, pipe/transform) to find the default and the description. */
function describeVariable(schema: z.ZodType): Omit<Variable, 'name' | 'services'> {
  let current: z.ZodType | undefined = schema;
  let description = schema.description ?? '';
  let defaultValue: string | undefined;
  let optional = false;
  while (current) {
    description ||= current.description ?? '';
    const def = (current as unknown as { _zod: { def: Record<string, unknown> } })._zod.def;
    if (def.type === 'default') {
      const value = def.defaultValue;
      defaultValue = String(typeof value === 'function' ? (value as () => unknown)() : value);
      current = def.innerType as z.ZodType;
    } else if (def.type === 'optional') {
      optional = true;
      current = def.innerType as z.ZodType;
    } else if (def.type === 'pipe') {
      current = def.in as z.ZodType;
    } else {
      current = undefined;
    }
  }
  return { required: !optional && defaultValue === undefined, defaultValue, description };
}

function collect(): Variable[] {
  const byName = new Map<string, Variable>();
  for (const service of SERVICES) {
    for (const [name, field] of Object.entries(service.schema.shape)) {
      const existing = byName.get(name);
      if (existing) {
        existing.services.push(service.name);
        continue;
      }
      byName.set(name, { name, services: [service.name], ...describeVariable(field as z.ZodType) });
    }
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

function table(variables: Variable[]): string {
  const escapePipes = (text: string) => text.replaceAll('|', '\\|');
  const rows = variables.map(
    (variable) =>
      `| \`${variable.name}\` | ${variable.services.join(', ')} | ${
        variable.required
          ? '**required**'
          : variable.defaultValue === undefined
            ? '(unset)'
            : `\`${escapePipes(variable.defaultValue)}\``
      } | ${escapePipes(variable.description)} |`,
  );
  return ['| variable | used by | default | meaning |', '|---|---|---|---|', ...rows].join('\n');
}

function envExample(variables: Variable[]): string {
  const lines = [
    "# CASTOR configuration. Generated from the services' zod schemas by `tsx scripts/config-docs.ts`.",
    '# `pnpm start` needs none of this: it runs on embedded defaults. Each service reads its own',
    '# variables; in docker-compose every service gets its own DATABASE_URL and REDIS_URL.',
    '',
  ];
  for (const variable of variables) {
    lines.push(`# ${variable.description} [${variable.services.join(', ')}]`);
    lines.push(variable.required ? `${variable.name}=` : `# ${variable.name}=${variable.defaultValue ?? ''}`);
  }
  return `${lines.join('\n')}\n`;
}

const START = '<!-- config-table:start -->';
const END = '<!-- config-table:end -->';
const variables = collect();
const readmePath = resolve(root, 'README.md');
const readme = readFileSync(readmePath, 'utf8');
const from = readme.indexOf(START);
const to = readme.indexOf(END);
if (from < 0 || to < from) throw new Error(`README.md lacks the ${START} ... ${END} markers`);
/** The repository's formatter has the last word on layout (it aligns Markdown tables). */
const formatted = (path: string, content: string) =>
  execFileSync(resolve(root, 'node_modules/.bin/biome'), ['format', `--stdin-file-path=${path}`], {
    input: content,
  }).toString();
const nextReadme = formatted(
  readmePath,
  `${readme.slice(0, from + START.length)}\n${table(variables)}\n${readme.slice(to)}`,
);
const envPath = resolve(root, '.env.example');
const nextEnv = envExample(variables);

if (process.argv.includes('--check')) {
  const current = (() => {
    try {
      return readFileSync(envPath, 'utf8');
    } catch {
      return '';
    }
  })();
  if (nextReadme !== readme || nextEnv !== current) {
    process.stderr.write('README.md or .env.example is out of date: run `pnpm docs:config`\n');
    process.exit(1);
  }
  process.stdout.write(`configuration docs up to date (${variables.length} variables)\n`);
} else {
  writeFileSync(readmePath, nextReadme);
  writeFileSync(envPath, nextEnv);
  process.stdout.write(`wrote README.md table and .env.example (${variables.length} variables)\n`);
}
