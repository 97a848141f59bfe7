import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { E14_NEGATIVE_DIR, E14_REAL_DIR } from '@castor/test-support/fixtures';
import { PDFDocument, PDFName, PDFNumber, PDFString } from 'pdf-lib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { inspectDocument, type SheetErrorCode } from '../src/index.js';
import { extractPages } from '../src/intake/page-raster.js';

const REAL = E14_REAL_DIR;
const anza = new Uint8Array(readFileSync(`${REAL}/2026-presidente-anza.pdf`));

async function refusal(bytes: Uint8Array, limits = {}): Promise<{ code: SheetErrorCode; message: string }> {
  try {
    await inspectDocument(bytes, limits);
  } catch (error) {
    const { code, message } = error as { code: SheetErrorCode; message: string };
    return { code, message };
  }
  throw new Error('the document was accepted');
}

async function blankPdf(pages = 1): Promise<PDFDocument> {
  const doc = await PDFDocument.create();
  for (let i = 0; i < pages; i++) doc.addPage([200, 300]);
  return doc;
}

describe('inspectDocument', () => {
  it('accepts a published scan and plans to take each page image as it is', async () => {
    const inspected = await inspectDocument(anza);
    expect(inspected.kind).toBe('pdf');
    expect(inspected.pageCount).toBe(2);
    expect(inspected.sha256).toMatch(/^[a-f0-9]{64}$/);
    expect(inspected.pages.map((page) => page.plan.source)).toEqual(['embedded-image', 'embedded-image']);
    expect(inspected.pages[0]?.plan).toMatchObject({ width: 866, height: 2575, bitsPerComponent: 1 });
  });

  it('recognises the HTML page the Registraduría answers for a missing file', async () => {
    const html = new Uint8Array(readFileSync(join(E14_NEGATIVE_DIR, 'html-error-page.pdf')));
    const { code, message } = await refusal(html);
    expect(code).toBe('HTML_INSTEAD_OF_PDF');
    expect(message).toMatch(/HTML/);
  });

  it('refuses empty files and types judged by their bytes', async () => {
    expect((await refusal(new Uint8Array())).code).toBe('FILE_EMPTY');
    expect((await refusal(new TextEncoder().encode('GIF89a....'))).code).toBe('FILE_TYPE_UNSUPPORTED');
  });

  it('refuses a file over the size limit before parsing it', async () => {
    const { code, message } = await refusal(anza, { maxFileMb: 0.01 });
    expect(code).toBe('FILE_TOO_LARGE');
    expect(message).toContain('0.01 MB');
  });

  it('refuses too many pages', async () => {
    const doc = await blankPdf(3);
    expect((await refusal(await doc.save(), { maxPages: 2 })).code).toBe('TOO_MANY_PAGES');
    await expect(inspectDocument(await doc.save(), { maxPages: 3 })).resolves.toMatchObject({ pageCount: 3 });
  });

  it('refuses an encrypted PDF', async () => {
    const doc = await blankPdf();
    const encrypt = doc.context.obj({
      Filter: 'Standard',
      V: 1,
      R: 2,
      O: PDFString.of('0123456789abcdef0123456789abcdef'),
      U: PDFString.of('fedcba9876543210fedcba9876543210'),
      P: -4,
    });
    doc.context.trailerInfo.Encrypt = doc.context.register(encrypt);
    const bytes = await doc.save({ useObjectStreams: false });
    expect((await refusal(bytes)).code).toBe('PDF_ENCRYPTED');
  });

  it('refuses JavaScript, launch actions and embedded files, also inside object streams', async () => {
    const js = await blankPdf();
    js.catalog.set(PDFName.of('OpenAction'), js.context.obj({ S: 'JavaScript', JS: PDFString.of('app.alert(1)') }));
    expect((await refusal(await js.save({ useObjectStreams: true }))).code).toBe('PDF_ACTIVE_CONTENT');

    const launch = await blankPdf();
    launch
      .getPage(0)
      .node.set(PDFName.of('AA'), launch.context.obj({ O: { S: 'Launch', F: PDFString.of('calc.exe') } }));
    expect((await refusal(await launch.save({ useObjectStreams: false }))).code).toBe('PDF_ACTIVE_CONTENT');

    const attachment = await blankPdf();
    await attachment.attach(new TextEncoder().encode('hello'), 'note.txt', { mimeType: 'text/plain' });
    expect((await refusal(await attachment.save())).code).toBe('PDF_ACTIVE_CONTENT');

    // A plain destination as /OpenAction only opens a page: not active content.
    const destination = await blankPdf();
    destination.catalog.set(PDFName.of('OpenAction'), destination.context.obj([destination.getPage(0).ref, 'Fit']));
    await expect(inspectDocument(await destination.save())).resolves.toMatchObject({ pageCount: 1 });
  });

  it('sees through names escaped with #xx', async () => {
    const doc = await blankPdf();
    const bytes = Buffer.from(await doc.save({ useObjectStreams: false })).toString('latin1');
    const escaped = bytes.replace(
      '/Type /Catalog',
      '/Type /Catalog /OpenAction << /S /J#61vaScript /JS (app.alert\\(1\\)) >>',
    );
    expect((await refusal(new Uint8Array(Buffer.from(escaped, 'latin1')))).code).toBe('PDF_ACTIVE_CONTENT');
  });

  it('refuses a truncated download and a damaged file', async () => {
    expect((await refusal(anza.slice(0, Math.floor(anza.length * 0.6)))).code).toBe('PDF_BROKEN');
    const garbage = new TextEncoder().encode(
      '%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 9 0 R >> endobj\ngarbage\n%%EOF\n',
    );
    expect((await refusal(garbage)).code).toBe('PDF_BROKEN');
    // A page image whose compressed data is cut in the middle, with the file end intact.
    const text = Buffer.from(anza).toString('latin1');
    const start = text.indexOf('stream', text.indexOf('/Subtype /Image')) + 8;
    const damaged = new Uint8Array(anza);
    damaged.fill(0x20, start + 5_000, start + 6_000);
    const inspectedOrRefused = await inspectDocument(damaged).then(
      async (inspected) =>
        extractPages(damaged, inspected).then(
          () => 'read',
          (error) => error.code,
        ),
      (error) => error.code,
    );
    expect(inspectedOrRefused).toBe('PDF_BROKEN');
  });

  it('refuses random bytes between a PDF header and its end marker at once, not after the parser gives up', async () => {
    const random = Buffer.alloc(2_000_000);
    for (let i = 0; i < random.length; i++) random[i] = (i * 2_654_435_761) >>> 24;
    const bytes = new Uint8Array(Buffer.concat([Buffer.from('%PDF-1.4\n'), random, Buffer.from('\n%%EOF\n')]));
    const started = performance.now();
    expect((await refusal(bytes)).code).toBe('PDF_BROKEN');
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('refuses a decompression bomb, inflating no more than the budget', async () => {
    const doc = await blankPdf();
    const zeros = deflateSync(Buffer.alloc(40 * 1_048_576));
    const stream = doc.context.stream(zeros, { Filter: 'FlateDecode', Length: zeros.length });
    doc.getPage(0).node.set(PDFName.of('PieceInfo'), doc.context.register(stream));
    const bytes = await doc.save({ useObjectStreams: false });
    expect(bytes.length).toBeLessThan(100_000);
    const { code } = await refusal(bytes, { maxDecodedMb: 8 });
    expect(code).toBe('DECOMPRESSION_BOMB');
  });

  it('refuses page images of absurd declared size, in PDFs and in PNG headers', async () => {
    const doc = await blankPdf();
    const pixels = deflateSync(Buffer.alloc(1_000));
    const image = doc.context.stream(pixels, {
      Type: 'XObject',
      Subtype: 'Image',
      Width: PDFNumber.of(100_000),
      Height: PDFNumber.of(100_000),
      BitsPerComponent: 1,
      ColorSpace: 'DeviceGray',
      Filter: 'FlateDecode',
    });
    const page = doc.getPage(0);
    page.node.setXObject(PDFName.of('Im0'), doc.context.register(image));
    const content = doc.context.stream('q 200 0 0 300 0 0 cm /Im0 Do Q');
    page.node.set(PDFName.of('Contents'), doc.context.register(content));
    expect((await refusal(await doc.save({ useObjectStreams: false }))).code).toBe('IMAGE_TOO_LARGE');

    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#ffffff' } })
      .png()
      .toBuffer();
    // Declare 60,000 × 60,000 pixels in the IHDR chunk (with its CRC), keeping the 8 × 8 data.
    png.writeUInt32BE(60_000, 16);
    png.writeUInt32BE(60_000, 20);
    png.writeUInt32BE(crc32(png.subarray(12, 29)), 29);
    expect((await refusal(new Uint8Array(png))).code).toBe('IMAGE_TOO_LARGE');
  });

  it('accepts a JPEG photo and plans it as a photo', async () => {
    const jpeg = await sharp({ create: { width: 300, height: 900, channels: 3, background: '#ffffff' } })
      .jpeg()
      .toBuffer();
    const inspected = await inspectDocument(new Uint8Array(jpeg));
    expect(inspected).toMatchObject({
      kind: 'jpeg',
      pageCount: 1,
      pages: [{ plan: { source: 'photo', width: 300, height: 900 } }],
    });
  });
});
