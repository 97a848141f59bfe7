import { docxFromBody, docxParagraph, renderDocx, renderFile, SYNTH_FORMATS, zip } from '@castor/documents-synth';
import { PDFDocument } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { type DocumentErrorCode, declaredFormat, isDocumentError, readDocument } from '../src/index.js';
import { expectedSections, runningHeader, synthDocument } from './helpers.js';

const programme = synthDocument('programa-de-gobierno');
const encode = (text: string) => new TextEncoder().encode(text);

async function readError(promise: Promise<unknown>): Promise<{ code: DocumentErrorCode; details: object }> {
  try {
    await promise;
  } catch (error) {
    if (isDocumentError(error)) return { code: error.code, details: error.details };
    throw error;
  }
  throw new Error('expected a DocumentError');
}

describe('readDocument: every format keeps the text and, where the format has them, headings and pages', () => {
  for (const format of SYNTH_FORMATS) {
    it(`reads the programme of government rendered as ${format}`, async () => {
      const file = await renderFile(programme, runningHeader, format);
      const document = await readDocument(file.bytes, file);
      expect(document.format).toBe(format);
      const read = document.sections.map((section) => ({
        headingPath: section.headingPath,
        texts: section.blocks.map((block) => block.text),
      }));
      if (format === 'text') {
        // Plain text has no headings: every heading and paragraph is a paragraph, in order.
        expect(read).toEqual([{ headingPath: [], texts: programme.blocks.map((block) => block.text) }]);
        expect(document.title).toBe('programa-de-gobierno');
        return;
      }
      expect(document.title).toBe('Programa de gobierno');
      if (format !== 'pdf') {
        expect(read).toEqual(expectedSections(programme));
        return;
      }
      // A PDF without headings splits into one section per page; with them, a section that crosses
      // a page break is one section whose blocks carry both pages.
      expect(read.map((section) => section.headingPath)).toEqual(
        expectedSections(programme).map((section) => section.headingPath),
      );
      expect(read.map((section) => section.texts.join(' '))).toEqual(
        expectedSections(programme).map((section) => section.texts.join(' ')),
      );
    });
  }

  it('gives PDF blocks their pages and drops the running header and footer', async () => {
    const file = await renderFile(programme, runningHeader, 'pdf');
    const document = await readDocument(file.bytes, file);
    expect(document.pageCount).toBeGreaterThan(2);
    const blocks = document.sections.flatMap((section) => section.blocks);
    const pages = blocks.map((block) => block.page as number);
    expect(pages.every((page) => page >= 1 && page <= (document.pageCount as number))).toBe(true);
    expect(pages).toEqual([...pages].sort((a, b) => a - b));
    expect(new Set(pages).size).toBe(document.pageCount);
    const allText = blocks.map((block) => block.text).join('\n');
    expect(allText).not.toContain('Documento de trabajo');
    expect(allText).not.toMatch(/Página \d+ de/);
  });

  it('makes one section per page of a PDF whose text is all one size', async () => {
    const pdf = await PDFDocument.create();
    for (const text of ['Primera página del acta.', 'Segunda página del acta.']) {
      pdf.addPage([300, 300]).drawText(text, { x: 20, y: 200, size: 11 });
    }
    const document = await readDocument(await pdf.save(), { filename: 'acta.pdf' });
    expect(document.sections).toEqual([
      { headingPath: [], blocks: [{ text: 'Primera página del acta.', page: 1 }] },
      { headingPath: [], blocks: [{ text: 'Segunda página del acta.', page: 2 }] },
    ]);
    expect(document.title).toBe('acta');
  });

  it('takes a DOCX title from the Title style, and keeps it out of the heading path', async () => {
    const notes = synthDocument('notas-debate');
    const document = await readDocument(renderDocx(notes, { titleStyle: true }), { filename: 'notas.docx' });
    expect(document.title).toBe(notes.title);
    expect(document.sections.map((section) => section.headingPath)).toEqual(
      expectedSections(notes).map((section) => section.headingPath.slice(1)),
    );
  });

  it('reads DOCX table rows as blocks, cells joined, with XML entities decoded', async () => {
    const cell = (text: string) => `<w:tc>${docxParagraph(text)}</w:tc>`;
    const row = (...cells: string[]) => `<w:tr>${cells.map(cell).join('')}</w:tr>`;
    const body = [
      docxParagraph('Metas por ciudad', 'Heading1'),
      docxParagraph('Salud & educación: metas <2027>'),
      `<w:tbl>${row('Ciudad', 'Cámaras')}${row('Cali', '627')}</w:tbl>`,
      docxParagraph('Después de la tabla.'),
    ].join('');
    const document = await readDocument(docxFromBody(body), { filename: 'metas.docx' });
    expect(document.sections).toEqual([
      {
        headingPath: ['Metas por ciudad'],
        blocks: [
          { text: 'Salud & educación: metas <2027>' },
          { text: 'Ciudad | Cámaras' },
          { text: 'Cali | 627' },
          { text: 'Después de la tabla.' },
        ],
      },
    ]);
  });

  it('reads Markdown setext headings, lists, tables and code, and strips inline syntax', async () => {
    const markdown = [
      '---',
      'autor: equipo',
      '---',
      'Plan de *choque*',
      '================',
      '',
      'Texto con **negrita**, un [enlace](https://example.org) y `código`.',
      '',
      'Metas',
      '-----',
      '- Primera meta',
      '- Segunda meta',
      '',
      '| Ciudad | Meta |',
      '|---|---|',
      '| Cali | 300 |',
      '',
      '```',
      '# no es un título',
      '```',
    ].join('\n');
    const document = await readDocument(encode(markdown), { filename: 'plan.md', contentType: 'text/plain' });
    expect(document.title).toBe('Plan de choque');
    expect(document.sections).toEqual([
      { headingPath: ['Plan de choque'], blocks: [{ text: 'Texto con negrita, un enlace y código.' }] },
      {
        headingPath: ['Plan de choque', 'Metas'],
        blocks: [
          { text: 'Primera meta' },
          { text: 'Segunda meta' },
          { text: 'Ciudad | Meta' },
          { text: 'Cali | 300' },
          { text: '# no es un título' },
        ],
      },
    ]);
  });

  it('numbers the pages of a text split by form feeds', async () => {
    const document = await readDocument(encode('Uno.\n\nDos.\fTres.'), { filename: 'acta.txt' });
    expect(document.pageCount).toBe(2);
    expect(document.sections.flatMap((section) => section.blocks)).toEqual([
      { text: 'Uno.', page: 1 },
      { text: 'Dos.', page: 1 },
      { text: 'Tres.', page: 2 },
    ]);
  });
});

describe('readDocument refuses with a stable code', () => {
  it('refuses formats it does not read', async () => {
    for (const [filename, contentType] of [
      ['foto.png', 'image/png'],
      ['acta.doc', 'application/msword'],
      ['hoja.xlsx', 'application/octet-stream'],
      ['sin-extension', undefined],
    ] as const) {
      expect((await readError(readDocument(encode('x'), { filename, contentType }))).code).toBe(
        'DOCUMENT_FORMAT_UNSUPPORTED',
      );
    }
  });

  it('refuses empty files and documents without text', async () => {
    expect((await readError(readDocument(new Uint8Array(), { filename: 'a.pdf' }))).code).toBe('DOCUMENT_EMPTY');
    expect((await readError(readDocument(encode(' \n\n \n'), { filename: 'a.txt' }))).code).toBe('DOCUMENT_EMPTY');
    const blank = await PDFDocument.create();
    blank.addPage();
    expect((await readError(readDocument(await blank.save(), { filename: 'escaneo.pdf' }))).code).toBe(
      'DOCUMENT_EMPTY',
    );
  });

  it('refuses broken PDFs', async () => {
    const file = await renderFile(programme, runningHeader, 'pdf');
    const truncated = file.bytes.slice(0, Math.floor(file.bytes.length / 3));
    expect((await readError(readDocument(truncated, file))).code).toBe('DOCUMENT_UNREADABLE');
    expect((await readError(readDocument(encode('<html>no es un PDF</html>'), file))).code).toBe('DOCUMENT_UNREADABLE');
    expect((await readError(readDocument(encode('%PDF-1.7\nbasura sin objetos'), file))).code).toBe(
      'DOCUMENT_UNREADABLE',
    );
  });

  it('refuses broken DOCX files', async () => {
    const file = await renderFile(programme, runningHeader, 'docx');
    const truncated = file.bytes.slice(0, file.bytes.length - 40);
    expect((await readError(readDocument(truncated, file))).code).toBe('DOCUMENT_UNREADABLE');
    const withoutBody = zip([{ name: 'word/otra.xml', data: encode('<x/>') }]);
    expect((await readError(readDocument(withoutBody, file))).code).toBe('DOCUMENT_UNREADABLE');
    expect((await readError(readDocument(encode('texto plano'), file))).code).toBe('DOCUMENT_UNREADABLE');
  });

  it('refuses binary bytes sent as text, and reads Windows-1252 text', async () => {
    // Every byte but NUL: not UTF-8, and too many control characters for Windows-1252 text.
    const binary = new Uint8Array(Array.from({ length: 255 }, (_, index) => ((index * 7 + 3) % 255) + 1));
    expect((await readError(readDocument(binary, { filename: 'a.txt' }))).code).toBe('DOCUMENT_UNREADABLE');
    const withNul = encode('texto\u0000con nulos');
    expect((await readError(readDocument(withNul, { filename: 'a.md' }))).code).toBe('DOCUMENT_UNREADABLE');
    // "Año nuevo, ¿sí?" as Notepad saves it in Windows-1252.
    const windows1252 = new Uint8Array([
      0x41, 0xf1, 0x6f, 0x20, 0x6e, 0x75, 0x65, 0x76, 0x6f, 0x2c, 0x20, 0xbf, 0x73, 0xed, 0x3f,
    ]);
    const document = await readDocument(windows1252, { filename: 'a.txt' });
    expect(document.sections[0]?.blocks).toEqual([{ text: 'Año nuevo, ¿sí?' }]);
  });

  it('refuses documents over the byte, page, character and inflation limits', async () => {
    const pdf = await renderFile(programme, runningHeader, 'pdf');
    const cases = [
      [pdf, { maxBytes: 1000 }, 'bytes'],
      [pdf, { maxPages: 2 }, 'pages'],
      [pdf, { maxCharacters: 500 }, 'characters'],
      [await renderFile(programme, runningHeader, 'markdown'), { maxCharacters: 500 }, 'characters'],
      [await renderFile(programme, runningHeader, 'docx'), { maxCharacters: 500 }, 'characters'],
      [
        {
          filename: 'bomba.docx',
          bytes: zip([{ name: 'word/document.xml', data: new Uint8Array(5_000_000) }]),
        },
        { maxBytes: 100_000, maxInflationRatio: 20 },
        'uncompressedBytes',
      ],
    ] as const;
    for (const [file, limits, limit] of cases) {
      const error = await readError(readDocument(file.bytes, { filename: file.filename, limits }));
      expect(error.code).toBe('DOCUMENT_TOO_LARGE');
      expect(error.details).toMatchObject({ limit });
    }
  });
});

describe('declaredFormat', () => {
  it('prefers the content type, lets the extension decide for generic types, and reads .md sent as text/plain as Markdown', () => {
    expect(declaredFormat('notas.md', 'text/plain; charset=utf-8')).toBe('markdown');
    expect(declaredFormat('notas.txt', 'text/plain')).toBe('text');
    expect(declaredFormat('programa.PDF', 'application/octet-stream')).toBe('pdf');
    expect(declaredFormat('programa', 'application/pdf')).toBe('pdf');
    expect(declaredFormat('acta.docx', undefined)).toBe('docx');
  });
});
