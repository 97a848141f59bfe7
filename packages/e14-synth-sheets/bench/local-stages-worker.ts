import { parentPort, workerData } from 'node:worker_threads';
import { mesaKey } from '@castor/contracts';
import {
  type LocalRecognizer,
  loadLocalRecognizer,
  mesaFromHeader,
  readSheet,
  type SheetTemplate,
} from '@castor/e14-sheets';

/** One pool worker: reads the documents it is sent through the local stages and reports timings. */
interface Job {
  id: number;
  bytes: Uint8Array;
  template: string;
}

const templates = new Map<string, SheetTemplate>(Object.entries(workerData.templates as Record<string, SheetTemplate>));

let recognizer: LocalRecognizer | undefined;
let recognizerStatus: string;
try {
  const loaded = await loadLocalRecognizer();
  recognizer = loaded;
  recognizerStatus = loaded.modelVersion;
} catch (error) {
  recognizerStatus = `none: ${(error as Error).message.slice(0, 160)}`;
}

parentPort?.on('message', async (job: Job) => {
  const template = templates.get(job.template);
  if (!template) throw new Error(`unknown template ${job.template}`);
  const started = performance.now();
  const reading = await readSheet(job.bytes, { templates: [template], ...(recognizer ? { recognizer } : {}) });
  parentPort?.postMessage({
    id: job.id,
    ms: performance.now() - started,
    inspectMs: reading.timings.inspectMs,
    recognizer: recognizerStatus,
    pages: reading.pages.map((page) => ({
      timings: page.timings,
      ok: page.error === null && page.barcode?.digits !== null,
    })),
    read: reading.pages.map((page) => {
      const mesa = page.header ? mesaFromHeader(page.header) : null;
      return {
        barcode: page.barcode?.digits ?? null,
        mesa: mesa?.success ? mesaKey(mesa.data) : null,
        transmissionCode: page.transmissionCode?.value ?? null,
      };
    }),
  });
});
