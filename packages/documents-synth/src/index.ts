export { type Campaign, CITIES, generateCampaign, INJECTION_TEXT } from './campaign.js';
export { generateCorpus, runningHeaderOf } from './corpus.js';
export { SYNTH_FORMATS, type SynthBlock, type SynthDocument, type SynthFormat, type SynthQuestion } from './model.js';
export {
  docxFromBody,
  docxParagraph,
  renderDocx,
  renderFile,
  renderMarkdown,
  renderPdf,
  renderText,
  type SynthFile,
} from './render.js';
export { zip } from './zip.js';
