import { type Campaign, generateCampaign } from './campaign.js';
import { renderFile, type SynthFile } from './render.js';

/** The running header the corpus's PDFs carry on every page. */
export function runningHeaderOf(campaign: Campaign): string {
  return `${campaign.movement} · Documento de trabajo`;
}

/** The whole synthetic corpus as files, each document in its default format, with its questions. */
export async function generateCorpus(seed?: number | string): Promise<{ campaign: Campaign; files: SynthFile[] }> {
  const campaign = generateCampaign(seed);
  const header = runningHeaderOf(campaign);
  const files = await Promise.all(campaign.documents.map((document) => renderFile(document, header)));
  return { campaign, files };
}
