import { readlinkSync } from 'node:fs';
import { constants, setPriority } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import { parentPort } from 'node:worker_threads';
import { parseModel } from '@castor/digit-recognizer';
import {
  extractPages,
  inspectDocument,
  intakeLimitsSchema,
  isSheetError,
  type LocalRecognizer,
  loadLocalRecognizer,
  type PageRaster,
  photosAsPdf,
  readSheet,
  warpRegion,
} from '@castor/e14-sheets';
import sharp from 'sharp';
import type {
  CropsResult,
  InspectResult,
  PageImagesResult,
  PhotosResult,
  ReadResult,
  SheetJob,
  SheetThreadMessage,
  SheetThreadReply,
  SheetThreadRequest,
  ThreadModel,
} from './sheet-threads.js';

/**
 * One file thread: intake checks, page images, registration, barcode, header and cells through
 * the local recognizer (loaded once per thread: it reuses its buffers), the page images as PNG for
 * a vision provider, the cell images for review, and a page registered to its layout for an alert's evidence.
 */

// The pool gives the parallelism, one file per thread: libvips works on one thread per operation
// and keeps no cache of decoded images, so a thread's memory is the file it works on.
sharp.cache(false);
sharp.concurrency(1);

/**
 * The lowest CPU priority for this thread (and the libvips threads it starts, which inherit it):
 * on a small VPS the event loop, answering HTTP, must win the cores from a hostile file's parse.
 * Linux keeps a nice value per thread and setpriority takes a thread id; elsewhere, no change.
 */
function yieldCpuToTheEventLoop() {
  try {
    const threadId = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(threadId) && threadId > 0) setPriority(threadId, constants.priority.PRIORITY_LOW);
  } catch {
    // Not Linux, or not allowed: the thread keeps the process's priority.
  }
}
yieldCpuToTheEventLoop();

/** The recognizer this thread reads with, for the model version it was last given. */
interface LoadedModel {
  version: number | null;
  recognizer: LocalRecognizer | undefined;
  status: string;
}
let loaded: Promise<LoadedModel> | undefined;

async function load(model: ThreadModel | undefined): Promise<LoadedModel> {
  const version = model?.version ?? null;
  try {
    const recognizer =
      model?.source === 'trained' && model.json !== null
        ? await loadLocalRecognizer({ model: parseModel(JSON.parse(model.json)) })
        : await loadLocalRecognizer();
    return { version, recognizer, status: recognizer.modelVersion };
  } catch (error) {
    return { version, recognizer: undefined, status: `none: ${(error as Error).message.slice(0, 120)}` };
  }
}

/**
 * The recognizer for full readings, loaded once per model version (it reuses its buffers): the
 * main thread sends the registry's active model with the first full reading after it changed.
 * Until one is sent (a pool nobody gave a model), the committed models read, under no version.
 */
function localRecognizer(model: ThreadModel | undefined): Promise<LoadedModel> {
  if (model || !loaded) loaded = load(model);
  return loaded;
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

async function inspect(job: Extract<SheetJob, { kind: 'inspect' }>): Promise<InspectResult> {
  const { kind, pageCount } = await inspectDocument(job.bytes, job.limits);
  return { ok: true, inspected: { kind, pageCount } };
}

async function photos(job: Extract<SheetJob, { kind: 'photos' }>): Promise<PhotosResult> {
  const { maxImagePixels } = intakeLimitsSchema.parse(job.limits);
  return { ok: true, pdf: await photosAsPdf(job.photos, maxImagePixels) };
}

async function read(job: Extract<SheetJob, { kind: 'read' }>, model: ThreadModel | undefined): Promise<ReadResult> {
  const cells = job.mode === 'full' ? await localRecognizer(model) : undefined;
  const reading = await readSheet(job.bytes, {
    templates: job.templates,
    limits: job.limits,
    readQr: false,
    ...(cells?.recognizer ? { recognizer: cells.recognizer } : {}),
  });
  // A header reading loads no model: it reports the one loaded, if any.
  const recognizer = cells?.status ?? (loaded ? (await loaded).status : 'none');
  const modelVersion = cells?.recognizer ? cells.version : null;
  if (!job.pageImages) return { ok: true, reading, recognizer, modelVersion };
  const inspected = await inspectDocument(job.bytes, job.limits);
  const pageImages: Array<{ page: number; bytes: Uint8Array }> = [];
  for (const page of await extractPages(job.bytes, inspected, { limits: job.limits })) {
    pageImages.push({ page: page.pageNumber, bytes: await pagePng(page.raster) });
  }
  return { ok: true, reading, recognizer, modelVersion, pageImages };
}

async function crops(job: Extract<SheetJob, { kind: 'crops' }>): Promise<CropsResult> {
  const reading = await readSheet(job.bytes, {
    templates: job.templates,
    limits: job.limits,
    readQr: false,
    cropImages: true,
  });
  return {
    ok: true,
    templateVerified: reading.templateVerified,
    layoutProblems: reading.layoutProblems,
    crops: reading.fields.flatMap((field) =>
      field.cropPng
        ? [
            {
              field: field.field,
              page: field.crop.page,
              png: field.cropPng,
              ...(field.labelPng ? { labelPng: field.labelPng } : {}),
            },
          ]
        : [],
    ),
  };
}

/**
 * The pages read again as the pipeline read them (registration, layout check), then each drawn in
 * its template's coordinates: the whole template page sampled through the page's registration, so
 * CropRefs fall on the cells. Never finer than the scan itself, nor wider than `maxWidth`.
 */
async function pageImages(job: Extract<SheetJob, { kind: 'pages' }>): Promise<PageImagesResult> {
  const reading = await readSheet(job.bytes, { templates: job.templates, limits: job.limits, readQr: false });
  const template = job.templates.find((candidate) => candidate.id === reading.templateId);
  if (!reading.templateVerified || !template) {
    return { ok: true, templateVerified: false, layoutProblems: reading.layoutProblems, images: [] };
  }
  const registered = reading.pages.filter((page) => page.registration !== null);
  const inspected = await inspectDocument(job.bytes, job.limits);
  const extracted = await extractPages(job.bytes, inspected, {
    pages: registered.map((page) => page.pageNumber),
    limits: job.limits,
  });
  const { width, height } = template.page;
  const images: Extract<PageImagesResult, { ok: true }>['images'] = [];
  for (const page of registered) {
    const raster = extracted.find((candidate) => candidate.pageNumber === page.pageNumber)?.raster;
    if (!raster || !page.registration) continue;
    const scale = Math.min(job.maxWidth / width, raster.width / width);
    const image = warpRegion(raster, page.registration.toImage, { x: 0, y: 0, width, height }, scale);
    const png = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 1 } })
      .png()
      .toBuffer();
    images.push({ page: page.pageNumber, png: new Uint8Array(png), pageWidth: width, pageHeight: height });
  }
  return { ok: true, templateVerified: true, layoutProblems: [], images };
}

async function run({ job, model }: SheetThreadRequest): Promise<SheetThreadReply['result']> {
  try {
    if (job.kind === 'inspect') return await inspect(job);
    if (job.kind === 'photos') return await photos(job);
    if (job.kind === 'read') return await read(job, model);
    if (job.kind === 'pages') return await pageImages(job);
    return await crops(job);
  } catch (error) {
    if (isSheetError(error)) return { ok: false, error: { code: error.code, message: error.message, sheet: true } };
    const message = (error as Error).message?.slice(0, 500) ?? String(error);
    return { ok: false, error: { code: 'READ_FAILED', message, sheet: false } };
  }
}

parentPort?.on('message', (request: SheetThreadRequest) => {
  void run(request).then((result) => {
    const heap = getHeapStatistics();
    const reply: SheetThreadMessage = {
      id: request.id,
      result,
      memoryBytes: heap.used_heap_size + heap.external_memory,
    };
    parentPort?.postMessage(reply);
  });
});
parentPort?.postMessage({ ready: true } satisfies SheetThreadMessage);
