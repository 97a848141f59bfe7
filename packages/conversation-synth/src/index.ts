export { DEMO_CANDIDATES, type SynthCandidate } from './candidates.js';
export {
  DEMO_POLLS_CONTEST,
  type DemoReport,
  type DemoTarget,
  loadDemoConversation,
  loadDemoPolls,
} from './demo.js';
export { toImportCsv, toImportJsonl } from './export.js';
export {
  type ConversationOptions,
  generateConversation,
  type SynthConversation,
  type SynthPost,
  type Tone,
} from './generate.js';
export { DEBATE_HASHTAG } from './phrases.js';
