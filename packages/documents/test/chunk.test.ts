import { generateCorpus, renderFile } from '@castor/documents-synth';
import { describe, expect, it } from 'vitest';
import { type ChunkedDocument, chunkDocument, type ParsedDocument, readDocument } from '../src/index.js';
import { runningHeader, synthDocument } from './helpers.js';

async function readSynth(id: string, format?: 'pdf' | 'docx' | 'markdown' | 'text'): Promise<ParsedDocument> {
  const file = await renderFile(synthDocument(id), runningHeader, format);
  return readDocument(file.bytes, file);
}

function paragraphs(count: number, prefix: string): { text: string }[] {
  return Array.from({ length: count }, (_, index) => ({
    text: `${prefix} ${index}: la propuesta número ${index} describe con detalle una medida distinta para los barrios, con su costo, su plazo y el responsable de cumplirla ante la ciudadanía.`,
  }));
}

describe('chunkDocument keeps structure', () => {
  it('never crosses a section: every paragraph of a chunk comes from the section whose heading path it carries', async () => {
    const document = await readSynth('programa-de-gobierno', 'pdf');
    const { chunks } = chunkDocument(document, { documentId: 'programa', targetTokens: 40, overlapTokens: 10 });
    expect(chunks.length).toBeGreaterThan(document.sections.length);
    for (const chunk of chunks) {
      const sections = document.sections.filter(
        (section) => JSON.stringify(section.headingPath) === JSON.stringify(chunk.headingPath),
      );
      expect(sections).toHaveLength(1);
      const section = sections[0] as (typeof sections)[number];
      const sectionText = section.blocks.map((block) => block.text).join(' ');
      for (const piece of chunk.text.split('\n\n')) expect(sectionText).toContain(piece);
      const pages = section.blocks.map((block) => block.page as number);
      expect(chunk.pageStart).toBeGreaterThanOrEqual(Math.min(...pages));
      expect(chunk.pageEnd).toBeLessThanOrEqual(Math.max(...pages));
      expect(chunk.tokenEstimate).toBeLessThanOrEqual(40);
    }
  });

  it('labels a chunk with its heading path below the title and indexes the headings with the text', async () => {
    const document = await readSynth('programa-de-gobierno', 'markdown');
    const { chunks } = chunkDocument(document, { documentId: 'programa' });
    const cali = chunks.find((chunk) => chunk.headingPath.join('/') === 'Programa de gobierno/Seguridad/Cali');
    expect(cali?.sectionLabel).toBe('Seguridad › Cali');
    expect(cali?.indexText.split('\n')[0]).toBe('Programa de gobierno › Seguridad › Cali');
    expect(cali?.pageStart).toBeUndefined();
  });

  it('packs whole paragraphs up to the target, cuts long ones at sentences, and overlaps within a section', () => {
    const long = Array.from({ length: 30 }, (_, index) => `Esta es la oración ${index} del informe.`).join(' ');
    const document: ParsedDocument = {
      format: 'text',
      title: 'informe',
      sections: [{ headingPath: [], blocks: [...paragraphs(6, 'Punto'), { text: long }] }],
    };
    const { chunks } = chunkDocument(document, { documentId: 'informe', targetTokens: 80, overlapTokens: 12 });
    for (const chunk of chunks) expect(chunk.tokenEstimate).toBeLessThanOrEqual(80);
    // Sentences are never cut.
    for (const chunk of chunks.slice(-2)) {
      for (const piece of chunk.text.split('\n\n')) expect(piece).toMatch(/^(Punto|Esta).*\.$/);
    }
    // The long paragraph's chunks overlap: each starts with the previous one's last sentence.
    const longChunks = chunks.filter((chunk) => chunk.text.startsWith('Esta es la oración'));
    expect(longChunks.length).toBeGreaterThan(1);
    for (let index = 1; index < longChunks.length; index++) {
      const previousLastSentence = (longChunks[index - 1]?.text.match(/Esta es la oración \d+ del informe\.$/) ??
        [])[0] as string;
      expect(longChunks[index]?.text.startsWith(previousLastSentence)).toBe(true);
    }
    // Without overlap, every sentence appears exactly once.
    const plain = chunkDocument(document, { documentId: 'informe', targetTokens: 80, overlapTokens: 0 });
    const sentences = plain.chunks.flatMap((chunk) => chunk.text.match(/oración \d+ /g) ?? []);
    expect(sentences).toHaveLength(30);
    expect(new Set(sentences).size).toBe(30);
  });

  it('cuts a sentence longer than the target into word windows', () => {
    const words = Array.from({ length: 500 }, (_, index) => `palabra${index}`).join(' ');
    const document: ParsedDocument = {
      format: 'text',
      title: 't',
      sections: [{ headingPath: [], blocks: [{ text: words }] }],
    };
    const { chunks } = chunkDocument(document, { documentId: 't', targetTokens: 100, overlapTokens: 0 });
    expect(chunks.length).toBeGreaterThan(4);
    for (const chunk of chunks) expect(chunk.tokenEstimate).toBeLessThanOrEqual(100);
    expect(chunks.map((chunk) => chunk.text).join(' ')).toBe(words);
  });
});

describe('chunkDocument de-duplicates', () => {
  it('drops a paragraph pasted twice and a chunk equal to an earlier one once folded, and keeps short repeats and templated paragraphs', () => {
    const repeated = 'La campaña publicará cada mes el informe de avance de todas las propuestas del programa.';
    const document: ParsedDocument = {
      format: 'markdown',
      title: 'Programa',
      sections: [
        {
          headingPath: ['Programa', 'Cali'],
          blocks: [
            { text: 'Propuestas:' },
            { text: 'En Cali abriremos veinte comedores comunitarios en las comunas del oriente de la ciudad.' },
            { text: repeated },
          ],
        },
        {
          headingPath: ['Programa', 'Medellín'],
          blocks: [
            { text: 'Propuestas:' },
            { text: 'En Medellín abriremos veinte comedores comunitarios en las comunas del oriente de la ciudad.' },
            { text: repeated.toUpperCase().replace('.', ' !') },
          ],
        },
        { headingPath: ['Programa', 'Anexo'], blocks: [{ text: 'Sin cambios.' }] },
        { headingPath: ['Programa', 'Anexo 2'], blocks: [{ text: 'sin cambios' }] },
      ],
    };
    const result = chunkDocument(document, { documentId: 'programa', targetTokens: 30, overlapTokens: 0 });
    expect(result.duplicatesRemoved).toEqual({ blocks: 1, chunks: 1 });
    const texts = result.chunks.map((chunk) => chunk.text).join('\n');
    expect(texts.match(/informe de avance/gi)).toHaveLength(1);
    expect(texts.match(/Propuestas:/g)).toHaveLength(2);
    expect(texts).toContain('En Medellín abriremos');
    expect(result.chunks.map((chunk) => chunk.sectionLabel)).not.toContain('Anexo 2');
    expect(result.chunks.map((chunk) => chunk.ordinal)).toEqual(result.chunks.map((_, index) => index));
  });

  it('removes the boilerplate paragraph repeated in a press release', async () => {
    const result = chunkDocument(await readSynth('comunicado-mujeres'), { documentId: 'c' });
    expect(result.duplicatesRemoved.blocks).toBe(1);
    expect(
      result.chunks
        .map((chunk) => chunk.text)
        .join(' ')
        .match(/es un movimiento ciudadano/g),
    ).toHaveLength(1);
  });
});

describe('chunk ids', () => {
  async function chunkCorpus(): Promise<ChunkedDocument[]> {
    const { files } = await generateCorpus();
    return Promise.all(
      files.map(async (file) => chunkDocument(await readDocument(file.bytes, file), { documentId: file.documentId })),
    );
  }

  it('are unique, and the same when the corpus is generated, read and chunked again', async () => {
    const first = (await chunkCorpus()).flatMap((document) => document.chunks.map((chunk) => chunk.id));
    const second = (await chunkCorpus()).flatMap((document) => document.chunks.map((chunk) => chunk.id));
    expect(new Set(first).size).toBe(first.length);
    expect(second).toEqual(first);
  });

  it('name the document, the ordinal and the content', async () => {
    const document = await readSynth('notas-debate');
    const a = chunkDocument(document, { documentId: 'notas-a' }).chunks;
    const b = chunkDocument(document, { documentId: 'notas-b' }).chunks;
    expect(a[1]?.id).toMatch(/^notas-a:1:[0-9a-f]{12}$/);
    expect(a[1]?.id.split(':')[2]).toBe(b[1]?.id.split(':')[2]);
    expect(a[1]?.contentHash.startsWith(a[1]?.id.split(':')[2] as string)).toBe(true);
    expect(a.map((chunk) => chunk.id)).not.toEqual(b.map((chunk) => chunk.id));
  });

  it('refuses a document id that would not survive in an id', () => {
    const document: ParsedDocument = {
      format: 'text',
      title: 't',
      sections: [{ headingPath: [], blocks: [{ text: 'x' }] }],
    };
    expect(() => chunkDocument(document, { documentId: 'a:b' })).toThrow();
    expect(() => chunkDocument(document, { documentId: 'a', targetTokens: 100, overlapTokens: 60 })).toThrow();
  });
});

describe('the synthetic question set', () => {
  it('has, for every question, exactly one chunk in its document and section that holds the answer', async () => {
    const { campaign, files } = await generateCorpus();
    const chunked = new Map<string, ChunkedDocument>();
    for (const file of files) {
      chunked.set(
        file.documentId,
        chunkDocument(await readDocument(file.bytes, file), { documentId: file.documentId }),
      );
    }
    expect(campaign.questions.length).toBeGreaterThanOrEqual(40);
    for (const question of campaign.questions) {
      const answering = (chunked.get(question.documentId)?.chunks ?? []).filter(
        (chunk) =>
          JSON.stringify(chunk.headingPath) === JSON.stringify(question.headingPath) &&
          chunk.text.includes(question.answerContains),
      );
      expect(answering, question.id).toHaveLength(1);
    }
  });
});
