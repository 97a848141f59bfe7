export { DEMO_CANDIDATES, type SynthCandidate } from './candidates.js';
export { type DemoReport, type DemoTarget, loadDemoConversation } from './demo.js';
export { toImportCsv, toImportJsonl } from './export.js';
export {
  type ConversationOptions,
  generateConversation,
  type SynthConversation,
  type SynthPost,
  type Tone,
} from './generate.js';
export { DEBATE_HASHTAG } from './phrases.js';
