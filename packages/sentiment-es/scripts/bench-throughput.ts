// Offline sentiment throughput: posts per second of CPU time of the committed model on generated
// Colombian political posts that look like real ones (mentions, hashtags, links, emoji, accents,
// slang, elongation, 60–280 characters), with multilang-sentiment measured in the same run on the
// same posts as the reference. CPU time, not wall time: a shared machine's other loads stay out.
//
//   pnpm --filter @castor/sentiment-es exec tsx scripts/bench-throughput.ts [--posts 20000] [--out file.json]
import { writeFileSync } from 'node:fs';
import { arch, cpus, loadavg, platform } from 'node:os';
import { parseArgs } from 'node:util';
import { createRng } from '@castor/seeded-random';
import { baselineLabels, loadSentimentModel } from '../src/index.js';

const { values } = parseArgs({
  options: {
    posts: { type: 'string', default: '20000' },
    out: { type: 'string' },
    seed: { type: 'string', default: 'bench' },
  },
});
const postCount = Number(values.posts);
if (!Number.isInteger(postCount) || postCount < 100) throw new Error('--posts must be an integer of at least 100');

const rng = createRng(`sentiment-es/bench/${values.seed}`);
const people = [
  '@petrogustavo',
  '@AlvaroUribeVel',
  '@FicoGutierrez',
  '@ClaudiaLopez',
  '@CarlosFGalan',
  '@IvanCepedaCast',
  '@MafeCarrascal',
  '@JERobledo',
];
const hashtags = [
  '#PetroPresidente',
  '#FueraPetro',
  '#NoMásCorrupción',
  '#ReformaTributaria',
  '#ElecciónAtípica',
  '#Bogotá',
  '#ColombiaDecide',
  '#MetroDeBogotá',
  '#PazTotal',
];
const openings = [
  'Qué chimba el anuncio de',
  'Qué boleta lo de',
  'No está mal la propuesta de',
  'Otra vez',
  'Sí, claro, muy honesto',
  'Increíble lo que dijo',
  'Gracias por nada,',
  'Bacano el debate de anoche con',
  'Paila con',
  'Atención:',
  'Hoy',
  'Jajajaja',
  'Felicitaciones',
  'Vergüenza total',
  'Excelente gestión de',
  'No más mermelada,',
  'Ojo con',
];
const middles = [
  'la reforma a la salud que se hunde en el Congreso',
  'el metro que nunca llega',
  'los falsos positivos que siguen sin justicia',
  'el presupuesto de seguridad para los barrios',
  'la paz total y los grupos armados',
  'los subsidios para los más pobres',
  'la corrupción en la contratación de la alcaldía',
  'las vías terciarias del Cauca',
  'la inflación y el precio de la comida',
  'el debate sobre la reforma pensional',
  'el nuevo gabinete',
  'la masacre en el Catatumbo',
];
const endings = [
  '',
  '!!!',
  '...',
  '?',
  ' 🤡',
  ' 👏👏',
  ' 😂😂',
  ' 🙄',
  ' ❤️',
  ' 😡',
  ' 🇨🇴',
  ' BUENÍSIMOOO',
  ' que tristeza',
  ' así no es',
  ' ni de riesgos',
  ' bien por eso',
  ' :)',
  ' xD',
  ' 🤮',
];

function post(): string {
  const parts = [rng.pick(openings), rng.pick(people), rng.pick(middles) + rng.pick(endings)];
  if (rng.chance(0.5)) parts.push(rng.pick(hashtags));
  if (rng.chance(0.3)) parts.push(rng.pick(middles), 'y', rng.pick(middles));
  if (rng.chance(0.2)) parts.push(`https://t.co/${rng.int(100000, 999999).toString(36)}`);
  if (rng.chance(0.2)) parts.push(rng.pick(hashtags));
  return parts.join(' ').slice(0, 280);
}

const posts = Array.from({ length: postCount }, post);
const cpuSeconds = (run: () => void): number => {
  const before = process.cpuUsage();
  run();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1e6;
};

const model = await loadSentimentModel();
model.score(posts.slice(0, 2000)); // warm-up: JIT and lexicon caches
const modelSeconds = cpuSeconds(() => model.score(posts));
// The reference is slow (a fuzzy look-up per unknown word): a tenth of the posts is enough.
const referencePosts = posts.slice(0, Math.max(100, Math.floor(postCount / 10)));
baselineLabels(referencePosts.slice(0, 200));
const referenceSeconds = cpuSeconds(() => baselineLabels(referencePosts));

const modelRate = postCount / modelSeconds;
const referenceRate = referencePosts.length / referenceSeconds;
const result = {
  benchmark: 'sentiment',
  measuredAt: new Date().toISOString(),
  machine: {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    node: process.version,
    platform: `${platform()} ${arch()}`,
    loadAverage: loadavg(),
  },
  posts: {
    count: postCount,
    averageCharacters: Math.round(posts.reduce((sum, text) => sum + text.length, 0) / postCount),
  },
  offline: { model: `${model.modelName} ${model.modelVersion}`, postsPerCpuSecond: Math.round(modelRate) },
  reference: {
    model: 'multilang-sentiment 2.0.0 (es)',
    posts: referencePosts.length,
    postsPerCpuSecond: Math.round(referenceRate),
  },
  ratioToReference: Math.round((modelRate / referenceRate) * 100) / 100,
};
console.log(JSON.stringify(result, null, 2));
if (values.out) writeFileSync(values.out, `${JSON.stringify(result, null, 2)}\n`);
