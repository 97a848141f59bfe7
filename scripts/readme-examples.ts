/**
 * The e14-service and dashboard-ia examples of the READMEs, so the smoke test can run them against `pnpm start`:
 * a README that names an election the launcher does not load (or a route that moved) fails CI.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** The files whose `sh` blocks hold examples a person runs after `pnpm start`. */
const READMES = ['README.md', 'services/e14-service/README.md'];

/** A GET of e14-service as the examples write it: `curl -s "$E/api/…"` or `curl -s $E14/api/…`. */
const E14_GET = /curl -s "?\$(?:E14|E)(\/api\/[^"\s]*)"?/g;
/** A shell variable set at the start of a line of the block: `ELECTION=DEMO-2026`. */
const ASSIGNMENT = /^([A-Z][A-Z0-9_]*)=([^\s;"']+)/gm;
/** An election code an example sends: `?election=…` in a URL, `-F electionCode=…` in an upload. */
const ELECTION_CODE = /(?:[?&]election=|electionCode=)([A-Z0-9][A-Z0-9_-]*)/g;

export interface ReadmeExamples {
  /** Every e14 GET path of the blocks, their own variables filled in. */
  gets: Array<{ file: string; path: string }>;
  /** Every election code the blocks send, in any request. */
  elections: Array<{ file: string; code: string }>;
}

/**
 * The e14 examples of the READMEs' `sh` blocks, with each block's own variables filled in
 * (`?election=$ELECTION` becomes `?election=DEMO-2026`). Throws when a GET uses a variable its
 * block does not set.
 */
export function readmeE14Examples(root: string): ReadmeExamples {
  const examples: ReadmeExamples = { gets: [], elections: [] };
  for (const file of READMES) {
    const text = readFileSync(resolve(root, file), 'utf8');
    for (const [, block = ''] of text.matchAll(/```sh\n([\s\S]*?)```/g)) {
      const variables = new Map([...block.matchAll(ASSIGNMENT)].map(([, name = '', value = '']) => [name, value]));
      const filled = block.replace(/\$\{?([A-Z][A-Z0-9_]*)\}?/g, (written, name: string) => {
        const value = variables.get(name);
        return value === undefined || name === 'E' || name === 'E14' ? written : value;
      });
      for (const [, path = ''] of filled.matchAll(E14_GET)) {
        if (path.includes('$')) throw new Error(`${file}: example ${path} uses a variable its block never sets`);
        examples.gets.push({ file, path });
      }
      for (const [, code = ''] of filled.matchAll(ELECTION_CODE)) examples.elections.push({ file, code });
    }
  }
  return examples;
}

/** A request to dashboard-ia as the examples write it: `curl -s [-XPOST] "$D/api/…" [-H …] [-d '…' | --data-binary $'…']`. */
const DASHBOARD_CALL = /^curl -s (-XPOST )?"\$D(\/api\/[^"\s]*)"(.*)$/gm;
const CONTENT_TYPE = /-H '(?:content-type|Content-Type): ([^']+)'/;
const JSON_BODY = /-d '([^']*)'/;
/** A body in bash's $'…' quoting, where \n is a newline. */
const ANSI_C_BODY = /--data-binary \$'([^']*)'/;

export interface DashboardExample {
  file: string;
  method: 'GET' | 'POST';
  path: string;
  contentType?: string;
  body?: string;
}

/** The dashboard-ia requests of the READMEs' `sh` blocks, in the order written, bodies included. */
export function readmeDashboardExamples(root: string): DashboardExample[] {
  const examples: DashboardExample[] = [];
  for (const file of READMES) {
    const text = readFileSync(resolve(root, file), 'utf8');
    for (const [, block = ''] of text.matchAll(/```sh\n([\s\S]*?)```/g)) {
      for (const [, post, path = '', rest = ''] of block.matchAll(DASHBOARD_CALL)) {
        if (path.includes('$')) throw new Error(`${file}: example ${path} uses a variable`);
        if (!post) {
          examples.push({ file, method: 'GET', path });
          continue;
        }
        const json = JSON_BODY.exec(rest)?.[1];
        const binary = ANSI_C_BODY.exec(rest)?.[1]?.replaceAll('\\n', '\n');
        const body = json ?? binary;
        if (body === undefined) throw new Error(`${file}: POST ${path} has no body the smoke test can read`);
        const contentType = CONTENT_TYPE.exec(rest)?.[1] ?? (rest.includes('"$J"') ? 'application/json' : undefined);
        if (contentType === undefined) throw new Error(`${file}: POST ${path} names no content type`);
        examples.push({ file, method: 'POST', path, contentType, body });
      }
    }
  }
  return examples;
}
