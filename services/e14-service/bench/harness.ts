import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { startBenchService } from '../../../bench/service-harness.js';

/** The machine the figures were measured on, described as the root benchmarks describe it. */
export { machine } from '../../../bench/support.js';

const serviceDir = fileURLToPath(new URL('..', import.meta.url));

/**
 * e14-service from its production bundle in its own process, with core-service and an admin token
 * (bench/service-harness.ts), the forensic worker on unless `env` says otherwise.
 */
export async function startBenchServices(env: Record<string, string> = {}, nodeArguments: readonly string[] = []) {
  const service = await startBenchService({
    serviceDir,
    name: 'e14',
    env: { E14_FORENSICS_ENABLED: 'true', ...env },
    nodeArguments,
  });
  return { ...service, e14DatabaseUrl: service.databaseUrl };
}

/** Waits until the service's forensic queue is empty; returns the seconds it took. */
export async function waitForForensics(pool: pg.Pool): Promise<number> {
  const started = performance.now();
  for (;;) {
    const left = await pool.query<{ n: string }>('SELECT count(*) AS n FROM forensic_queue');
    if (Number(left.rows[0]?.n) === 0) return (performance.now() - started) / 1000;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}
