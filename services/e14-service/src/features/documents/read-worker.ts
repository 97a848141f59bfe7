import { parentPort } from 'node:worker_threads';
import {
  type CellReader,
  extractPages,
  inspectDocument,
  isSheetError,
  loadLocalRecognizer,
  type PageRaster,
  readSheet,
} from '@castor/e14-sheets';
import sharp from 'sharp';
import type { ReadJob, ReadJobResult } from './read-pool.js';

/**
 * One thread of the reading pool: intake checks, page images, registration, barcode, header and
 * cells through the local recognizer (loaded once per thread: it reuses its buffers), and on
 * request the page images as PNG for a vision provider.
 */

const RETRY_MODEL_MS = 30_000;
let recognizer: (CellReader & { modelVersion: string }) | undefined;
let recognizerStatus = 'none';
let lastAttempt = 0;

async function localRecognizer(): Promise<CellReader | undefined> {
  // The model file may be installed while the service runs (a retrained model): look again now and then.
  if (recognizer || Date.now() - lastAttempt < RETRY_MODEL_MS) return recognizer;
  lastAttempt = Date.now();
  try {
    recognizer = await loadLocalRecognizer();
    recognizerStatus = recognizer.modelVersion;
  } catch (error) {
    recognizerStatus = `none: ${(error as Error).message.slice(0, 120)}`;
  }
  return recognizer;
}

/** A page as an 8-bit PNG (1-bit scans expanded), what a vision provider accepts. */
async function pagePng(raster: PageRaster): Promise<Uint8Array> {
  const { width, height } = raster;
  let gray: Uint8Array;
  if (raster.kind === 'gray') gray = raster.data;
  else {
    gray = new Uint8Array(width * height).fill(255);
    for (let y = 0; y < height; y++) {
      const row = y * raster.rowBytes;
      for (let x = 0; x < width; x++) {
        if (((raster.data[row + (x >> 3)] as number) >> (7 - (x & 7))) & 1) gray[y * width + x] = 0;
      }
    }
  }
  return new Uint8Array(
    await sharp(gray, { raw: { width, height, channels: 1 } })
      // Fast deflate: a bilevel page compresses well anyway, and quantising to a palette costs ~10× more.
      .png({ compressionLevel: 1 })
      .toBuffer(),
  );
}

async function run(job: ReadJob): Promise<ReadJobResult> {
  try {
    const cells = job.mode === 'full' ? await localRecognizer() : undefined;
    const reading = await readSheet(job.bytes, {
      templates: job.templates,
      limits: job.limits,
      readQr: false,
      ...(cells ? { recognizer: cells } : {}),
    });
    let pageImages: Array<{ page: number; bytes: Uint8Array }> | undefined;
    if (job.pageImages) {
      const inspected = await inspectDocument(job.bytes, job.limits);
      const pages = await extractPages(job.bytes, inspected, { limits: job.limits });
      pageImages = [];
      for (const page of pages) pageImages.push({ page: page.pageNumber, bytes: await pagePng(page.raster) });
    }
    return { id: job.id, ok: true, reading, recognizer: recognizerStatus, ...(pageImages ? { pageImages } : {}) };
  } catch (error) {
    if (isSheetError(error)) {
      return { id: job.id, ok: false, error: { code: error.code, message: error.message, sheet: true } };
    }
    return {
      id: job.id,
      ok: false,
      error: { code: 'READ_FAILED', message: (error as Error).message?.slice(0, 500) ?? String(error), sheet: false },
    };
  }
}

parentPort?.on('message', (job: ReadJob) => {
  void run(job).then((result) => parentPort?.postMessage(result));
});
