import { describe, expect, it } from 'vitest';
import {
  generateCampaign,
  generateCorpus,
  INJECTION_TEXT,
  renderFile,
  runningHeaderOf,
  SYNTH_FORMATS,
} from '../src/index.js';

describe('the synthetic campaign corpus', () => {
  it('is the same, byte for byte, for the same seed, in every format', async () => {
    const first = generateCampaign('semilla');
    const second = generateCampaign('semilla');
    expect(second).toEqual(first);
    for (const format of SYNTH_FORMATS) {
      for (const document of first.documents) {
        const a = await renderFile(document, runningHeaderOf(first), format);
        const b = await renderFile(document, runningHeaderOf(first), format);
        expect(Buffer.from(b.bytes).equals(Buffer.from(a.bytes)), `${document.id} as ${format}`).toBe(true);
      }
    }
  });

  it('differs between seeds', () => {
    expect(generateCampaign('a').questions.map((question) => question.answerContains)).not.toEqual(
      generateCampaign('b').questions.map((question) => question.answerContains),
    );
  });

  it.each(['castor-documents-v1', 1, 2, 'otra'])(
    'asks at least 40 questions with unique ids, each answered by one paragraph under its heading path (seed %s)',
    (seed) => {
      const campaign = generateCampaign(seed);
      expect(campaign.questions.length).toBeGreaterThanOrEqual(40);
      expect(campaign.questions.filter((question) => question.kind === 'paraphrase').length).toBeGreaterThanOrEqual(20);
      expect(new Set(campaign.questions.map((question) => question.id)).size).toBe(campaign.questions.length);
      for (const question of campaign.questions) {
        const document = campaign.documents.find((each) => each.id === question.documentId);
        expect(document, question.id).toBeDefined();
        // The answer sits in a paragraph whose enclosing headings are the question's path.
        const stack: { level: number; text: string }[] = [];
        const paths: string[] = [];
        for (const block of document?.blocks ?? []) {
          if (block.kind === 'heading') {
            while ((stack.at(-1)?.level ?? 0) >= block.level) stack.pop();
            stack.push(block);
          } else if (block.text.includes(question.answerContains)) {
            paths.push(stack.map((heading) => heading.text).join(' / '));
          }
        }
        expect(paths, question.id).toEqual([question.headingPath.join(' / ')]);
      }
    },
  );

  it('covers every topic and city, holds the injection attempt, and renders each document in its default format', async () => {
    const { campaign, files } = await generateCorpus();
    const programme = campaign.documents.find((document) => document.id === 'programa-de-gobierno');
    const headings = programme?.blocks.filter((block) => block.kind === 'heading').map((block) => block.text);
    for (const expected of [
      'Seguridad',
      'Salud',
      'Educación',
      'Empleo',
      'Cali',
      'Medellín',
      'Barranquilla',
      'Bogotá',
    ]) {
      expect(headings).toContain(expected);
    }
    const contributions = files.find((file) => file.documentId === 'aportes-ciudadanos');
    expect(new TextDecoder().decode(contributions?.bytes)).toContain(INJECTION_TEXT.slice(0, 40));
    expect(files.map((file) => file.filename.split('.').at(-1)).sort()).toEqual([
      'docx',
      'md',
      'md',
      'md',
      'pdf',
      'txt',
      'txt',
    ]);
    expect(
      new TextDecoder('latin1').decode(files.find((file) => file.filename.endsWith('.pdf'))?.bytes.slice(0, 5)),
    ).toBe('%PDF-');
  });
});
