import { generateCampaign, runningHeaderOf, type SynthDocument } from '@castor/documents-synth';

export const campaign = generateCampaign();
export const runningHeader = runningHeaderOf(campaign);

export function synthDocument(id: string): SynthDocument {
  const document = campaign.documents.find((each) => each.id === id);
  if (!document) throw new Error(`no synthetic document ${id}`);
  return document;
}

/** The sections a document's headings imply: each paragraph under the path of headings above it. */
export function expectedSections(document: SynthDocument): { headingPath: string[]; texts: string[] }[] {
  const stack: { level: number; text: string }[] = [];
  const sections: { headingPath: string[]; texts: string[] }[] = [];
  let current: { headingPath: string[]; texts: string[] } | undefined;
  for (const block of document.blocks) {
    if (block.kind === 'heading') {
      while ((stack.at(-1)?.level ?? 0) >= block.level) stack.pop();
      stack.push(block);
      current = undefined;
      continue;
    }
    if (!current) {
      current = { headingPath: stack.map((heading) => heading.text), texts: [] };
      sections.push(current);
    }
    current.texts.push(block.text);
  }
  return sections;
}
