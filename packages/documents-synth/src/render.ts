import { PDFDocument, type PDFFont, StandardFonts } from 'pdf-lib';
import type { SynthDocument, SynthFormat } from './model.js';
import { zip } from './zip.js';

export interface SynthFile {
  documentId: string;
  filename: string;
  contentType: string;
  bytes: Uint8Array;
}

const CONTENT_TYPES: Record<SynthFormat, { extension: string; contentType: string }> = {
  pdf: { extension: 'pdf', contentType: 'application/pdf' },
  docx: {
    extension: 'docx',
    contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  },
  markdown: { extension: 'md', contentType: 'text/markdown' },
  text: { extension: 'txt', contentType: 'text/plain' },
};

export function renderMarkdown(document: SynthDocument): string {
  return `${document.blocks
    .map((block) => (block.kind === 'heading' ? `${'#'.repeat(block.level)} ${block.text}` : block.text))
    .join('\n\n')}\n`;
}

/** Plain text has no headings: they become paragraphs of their own. Long paragraphs wrap at 80 columns. */
export function renderText(document: SynthDocument): string {
  const wrap = (text: string) => {
    const lines: string[] = [];
    let line = '';
    for (const word of text.split(' ')) {
      if (line && line.length + word.length + 1 > 80) {
        lines.push(line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    return [...lines, line].join('\n');
  };
  return `${document.blocks.map((block) => wrap(block.text)).join('\n\n')}\n`;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const WORD_NS = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';
const RELATIONSHIP_NS = 'http://schemas.openxmlformats.org/package/2006/relationships';
const OFFICE_RELATIONSHIP = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

const DOCX_STYLES = (() => {
  const style = (id: string, name: string) =>
    `<w:style w:type="paragraph" w:styleId="${id}"><w:name w:val="${name}"/><w:basedOn w:val="Normal"/></w:style>`;
  const headings = [1, 2, 3].map((level) => style(`Heading${level}`, `heading ${level}`)).join('');
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:styles xmlns:w="${WORD_NS}"><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>${style('Title', 'Title')}${headings}</w:styles>`;
})();

/**
 * A DOCX package around a WordprocessingML body (the XML inside `<w:body>`), with the parts Word
 * needs to open it: content types, relationships, and styles for Title and Heading 1–3 (styleIds
 * `Title`, `Heading1`…). For tests that need a body the renderer does not write (tables, entities).
 */
export function docxFromBody(bodyXml: string): Uint8Array {
  const encode = (text: string) => new TextEncoder().encode(text);
  const xml = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>';
  return zip([
    {
      name: '[Content_Types].xml',
      data: encode(
        `${xml}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/></Types>`,
      ),
    },
    {
      name: '_rels/.rels',
      data: encode(
        `${xml}<Relationships xmlns="${RELATIONSHIP_NS}"><Relationship Id="rId1" Type="${OFFICE_RELATIONSHIP}/officeDocument" Target="word/document.xml"/></Relationships>`,
      ),
    },
    {
      name: 'word/_rels/document.xml.rels',
      data: encode(
        `${xml}<Relationships xmlns="${RELATIONSHIP_NS}"><Relationship Id="rId1" Type="${OFFICE_RELATIONSHIP}/styles" Target="styles.xml"/></Relationships>`,
      ),
    },
    {
      name: 'word/document.xml',
      data: encode(`${xml}<w:document xmlns:w="${WORD_NS}"><w:body>${bodyXml}</w:body></w:document>`),
    },
    { name: 'word/styles.xml', data: encode(DOCX_STYLES) },
  ]);
}

/** One WordprocessingML paragraph, with a paragraph style when given. */
export function docxParagraph(text: string, style?: string): string {
  return `<w:p>${style ? `<w:pPr><w:pStyle w:val="${style}"/></w:pPr>` : ''}<w:r><w:t xml:space="preserve">${escapeXml(text)}</w:t></w:r></w:p>`;
}

/**
 * A DOCX as Word writes its essentials: Heading n paragraph styles over plain paragraphs. With
 * `titleStyle`, level-1 headings take Word's Title style instead, as many documents do.
 */
export function renderDocx(document: SynthDocument, { titleStyle = false } = {}): Uint8Array {
  return docxFromBody(
    document.blocks
      .map((block) =>
        block.kind === 'heading'
          ? docxParagraph(block.text, block.level === 1 && titleStyle ? 'Title' : `Heading${block.level}`)
          : docxParagraph(block.text),
      )
      .join(''),
  );
}

const PAGE = { width: 595, height: 842, margin: 56 };
const SIZES = { 1: 20, 2: 15, 3: 13, body: 11, furniture: 9 } as const;
const FIXED_DATE = new Date('2026-01-01T00:00:00Z');

function wrapToWidth(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const candidate = line ? `${line} ${word}` : word;
    if (line && font.widthOfTextAtSize(candidate, size) > width) {
      lines.push(line);
      line = word;
    } else line = candidate;
  }
  if (line) lines.push(line);
  return lines;
}

/**
 * An A4 PDF in Helvetica: headings larger than body text (20, 15 and 13 pt over 11 pt), a running
 * header with the movement's name and a "Página n de N" footer on every page, as a word
 * processor's export has them. `runningHeader` is that header's text.
 */
export async function renderPdf(document: SynthDocument, runningHeader: string): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.setTitle(document.title);
  pdf.setCreationDate(FIXED_DATE);
  pdf.setModificationDate(FIXED_DATE);
  pdf.setProducer('castor documents-synth');
  pdf.setCreator('castor documents-synth');
  const regular = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  const textWidth = PAGE.width - 2 * PAGE.margin;
  let page = pdf.addPage([PAGE.width, PAGE.height]);
  let y = PAGE.height - PAGE.margin - 20;
  const ensureRoom = (height: number) => {
    if (y - height < PAGE.margin + 20) {
      page = pdf.addPage([PAGE.width, PAGE.height]);
      y = PAGE.height - PAGE.margin - 20;
    }
  };
  for (const block of document.blocks) {
    const size = block.kind === 'heading' ? SIZES[block.level] : SIZES.body;
    const font = block.kind === 'heading' ? bold : regular;
    const leading = size * 1.35;
    const lines = wrapToWidth(block.text, font, size, textWidth);
    if (block.kind === 'heading') {
      y -= size * 0.8;
      ensureRoom(leading * lines.length + SIZES.body * 3);
    }
    for (const line of lines) {
      ensureRoom(leading);
      y -= leading;
      page.drawText(line, { x: PAGE.margin, y, size, font });
    }
    y -= size * 0.8;
  }
  const pages = pdf.getPages();
  pages.forEach((each, index) => {
    each.drawText(runningHeader, {
      x: PAGE.margin,
      y: PAGE.height - PAGE.margin + 10,
      size: SIZES.furniture,
      font: regular,
    });
    each.drawText(`Página ${index + 1} de ${pages.length}`, {
      x: PAGE.margin,
      y: PAGE.margin - 10,
      size: SIZES.furniture,
      font: regular,
    });
  });
  return pdf.save({ useObjectStreams: false });
}

/** One document as a file of the given format (its default format when none is given). */
export async function renderFile(
  document: SynthDocument,
  runningHeader: string,
  format: SynthFormat = document.format,
): Promise<SynthFile> {
  const { extension, contentType } = CONTENT_TYPES[format];
  const encode = (text: string) => new TextEncoder().encode(text);
  const bytes =
    format === 'pdf'
      ? await renderPdf(document, runningHeader)
      : format === 'docx'
        ? renderDocx(document)
        : encode(format === 'markdown' ? renderMarkdown(document) : renderText(document));
  return { documentId: document.id, filename: `${document.name}.${extension}`, contentType, bytes };
}
