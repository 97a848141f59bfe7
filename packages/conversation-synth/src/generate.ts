import { createRng, type Rng } from '@castor/seeded-random';
import { DEMO_CANDIDATES, type SynthCandidate } from './candidates.js';
import {
  BIOS,
  CITIES,
  DEBATE_HASHTAG,
  DEBATE_PHRASES,
  FIRST_NAMES,
  LAST_NAMES,
  NEGATIVE,
  NEUTRAL,
  OPENERS,
  POSITIVE,
  THEMES,
} from './phrases.js';

/** One post as `POST /api/media/import` reads it (CSV columns / JSONL fields). */
export interface SynthPost {
  id: string;
  created_at: string;
  text: string;
  author_id: string;
  author_username: string;
  author_name: string;
  author_created_at: string;
  author_description?: string;
  author_location?: string;
  author_profile_image_url: string;
  author_verified: boolean;
  author_followers: number;
  author_following: number;
  author_tweets: number;
  author_listed: number;
  likes: number;
  reposts: number;
  replies: number;
  quotes: number;
  lang: 'es';
}

export type Tone = 'negative' | 'neutral' | 'positive';

export interface SynthConversation {
  candidates: readonly SynthCandidate[];
  posts: SynthPost[];
  /** What each post was written to say (not what a model reads in it). */
  tones: Map<string, Tone>;
  /** The authors written as bots (coordinated, new, default image, posting non-stop). */
  botAuthors: Set<string>;
  /** The debate night (UTC): the burst of DEBATE_HASHTAG. */
  debate: { from: Date; to: Date };
  period: { from: Date; to: Date };
}

export interface ConversationOptions {
  seed?: number | string;
  /** The end of the conversation (default: now, to the hour). */
  end?: Date;
  days?: number;
  /** Ordinary posts per day, all candidates together. */
  postsPerDay?: number;
  /** Share of accounts that are bots. */
  botShare?: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const COLOMBIA_OFFSET_HOURS = -5;
/** Conversation by local hour (Colombia): quiet at night, peaks at lunch and in the evening news. */
const LOCAL_HOUR_WEIGHTS = [
  1, 0.5, 0.3, 0.2, 0.3, 0.8, 2, 3.5, 4.5, 5, 5, 5.5, 6.5, 6, 5, 4.5, 4.5, 5, 6, 7, 7.5, 6.5, 4.5, 2.5,
];
const DEFAULT_IMAGE = 'https://abs.twimg.com/sticky/default_profile_images/default_profile_normal.png';

interface Author {
  id: string;
  username: string;
  name: string;
  createdAt: Date;
  description: string;
  location: string;
  image: string;
  verified: boolean;
  followers: number;
  following: number;
  tweets: number;
  listed: number;
  bot: boolean;
  /** A bot's campaign: the candidate it pushes or attacks and how. */
  campaign?: { candidate: string; tone: Tone; hashtag: string };
}

/**
 * A reproducible conversation about the demo candidates: weeks of ordinary posts with a daily and
 * weekly rhythm, a debate night that multiplies the volume and shifts the tone (the own candidate
 * does well, the main rival stumbles), and a network of bots that pushes one and attacks the other.
 */
export function generateConversation(options: ConversationOptions = {}): SynthConversation {
  const rng = createRng(options.seed ?? 'castor-conversation-demo');
  const days = options.days ?? 42;
  const postsPerDay = options.postsPerDay ?? 650;
  const end = options.end ?? new Date(Math.floor(Date.now() / HOUR) * HOUR);
  const start = new Date(end.getTime() - days * DAY);
  const humans = makeAuthors(rng, Math.max(50, Math.round((days * postsPerDay) / 14)), false, end);
  const bots = makeAuthors(rng, Math.max(10, Math.round(humans.length * (options.botShare ?? 0.05))), true, end);
  // The debate: 9 days before the end, 20:00 to 23:00 in Colombia.
  const debateDay = new Date(end.getTime() - 9 * DAY);
  const debateFrom = new Date(
    Date.UTC(debateDay.getUTCFullYear(), debateDay.getUTCMonth(), debateDay.getUTCDate(), 20 - COLOMBIA_OFFSET_HOURS),
  );
  const debate = { from: debateFrom, to: new Date(debateFrom.getTime() + 3 * HOUR) };

  const posts: SynthPost[] = [];
  const tones = new Map<string, Tone>();
  const write = (author: Author, at: Date, candidate: SynthCandidate, tone: Tone, extra: string) => {
    const id = String(1_790_000_000_000_000_000n + BigInt(posts.length) * 7919n + BigInt(rng.int(0, 7918)));
    const text = compose(rng, candidate, tone, extra);
    posts.push(toRow(rng, id, at, text, author));
    tones.set(id, tone);
  };

  const hourWeightTotal = LOCAL_HOUR_WEIGHTS.reduce((sum, weight) => sum + weight, 0);
  for (let hour = start.getTime(); hour < end.getTime(); hour += HOUR) {
    const at = new Date(hour);
    const local = (at.getUTCHours() + 24 + COLOMBIA_OFFSET_HOURS) % 24;
    const weekday = new Date(hour + COLOMBIA_OFFSET_HOURS * HOUR).getUTCDay();
    const weekly = weekday === 0 || weekday === 6 ? 0.75 : 1.08;
    const duringDebate = hour >= debate.from.getTime() && hour < debate.to.getTime();
    const afterDebate = hour >= debate.to.getTime() && hour < debate.to.getTime() + 2 * DAY;
    const growth = 0.8 + 0.4 * ((hour - start.getTime()) / (days * DAY));
    let expected = (postsPerDay * weekly * growth * (LOCAL_HOUR_WEIGHTS[local] ?? 1)) / hourWeightTotal;
    if (duringDebate) expected *= 7;
    else if (afterDebate) expected *= 1.6;
    const count = poisson(rng, expected);
    for (let index = 0; index < count; index += 1) {
      const when = new Date(hour + rng.int(0, HOUR - 1));
      const candidate = pickCandidate(rng);
      const tone = pickTone(rng, shiftedTone(candidate, duringDebate || afterDebate));
      const extra = duringDebate
        ? rng.chance(0.7)
          ? ` ${DEBATE_HASHTAG} ${pick(rng, DEBATE_PHRASES)}`
          : ` ${DEBATE_HASHTAG}`
        : '';
      write(pick(rng, humans), when, candidate, tone, extra);
    }
    // The bots: a trickle every hour, a flood on debate night and the two days after.
    const botRate = duringDebate ? 60 : afterDebate ? 4 : 0.6;
    for (let index = poisson(rng, botRate); index > 0; index -= 1) {
      const bot = pick(rng, bots);
      const campaign = bot.campaign as NonNullable<Author['campaign']>;
      const candidate = DEMO_CANDIDATES.find((entry) => entry.slug === campaign.candidate) as SynthCandidate;
      write(bot, new Date(hour + rng.int(0, HOUR - 1)), candidate, campaign.tone, ` ${campaign.hashtag}`);
    }
  }
  posts.sort((a, b) => a.created_at.localeCompare(b.created_at));
  return {
    candidates: DEMO_CANDIDATES,
    posts,
    tones,
    botAuthors: new Set(bots.map((bot) => bot.id)),
    debate,
    period: { from: start, to: end },
  };
}

function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[rng.int(0, items.length - 1)] as T;
}

function poisson(rng: Rng, mean: number): number {
  if (mean > 30) return Math.max(0, Math.round(rng.gaussian(mean, Math.sqrt(mean))));
  const limit = Math.exp(-mean);
  let count = 0;
  for (let product = rng.next(); product > limit; product *= rng.next()) count += 1;
  return count;
}

function pickCandidate(rng: Rng): SynthCandidate {
  return DEMO_CANDIDATES[rng.weightedIndex(DEMO_CANDIDATES.map((candidate) => candidate.weight))] as SynthCandidate;
}

/** After the debate the own candidate is better spoken of and the main rival worse. */
function shiftedTone(candidate: SynthCandidate, debateEffect: boolean): number {
  if (!debateEffect) return candidate.tone;
  if (candidate.own) return candidate.tone + 0.35;
  if (candidate.slug === 'montoya') return candidate.tone - 0.3;
  return candidate.tone;
}

/** A tone around `mean` (P(positive) − P(negative)), with a third or so neutral. */
function pickTone(rng: Rng, mean: number): Tone {
  const neutral = 0.34;
  const positive = Math.min(1 - neutral, Math.max(0, ((1 - neutral) * (1 + mean)) / 2));
  const draw = rng.next();
  if (draw < neutral) return 'neutral';
  return draw < neutral + positive ? 'positive' : 'negative';
}

function compose(rng: Rng, candidate: SynthCandidate, tone: Tone, extra: string): string {
  const theme = pick(rng, THEMES);
  const mention = pick(rng, candidate.mentions);
  const judgement = pick(rng, tone === 'positive' ? POSITIVE : tone === 'negative' ? NEGATIVE : NEUTRAL);
  const opener = pick(rng, OPENERS);
  const body = rng.chance(0.5)
    ? `${opener}${pick(rng, theme.phrases)} de ${mention}. ${judgement}`
    : `${mention}: ${judgement} ${rng.chance(0.5) ? `Hablando de ${pick(rng, theme.phrases)}.` : ''}`;
  const text = `${body.trim()}${extra}`.replace(/\s+/g, ' ').trim();
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
}

function makeAuthors(rng: Rng, count: number, bot: boolean, now: Date): Author[] {
  const authors: Author[] = [];
  for (let index = 0; index < count; index += 1) {
    const first = pick(rng, FIRST_NAMES);
    const last = pick(rng, LAST_NAMES);
    const ageDays = bot ? rng.int(5, 120) : rng.int(200, 5_000);
    const createdAt = new Date(now.getTime() - ageDays * DAY);
    const id = `${bot ? 9 : 1}${String(index).padStart(9, '0')}`;
    if (bot) {
      const pushes = rng.chance(0.6);
      authors.push({
        id,
        username: `${first}${rng.int(10_000_000, 99_999_999)}`,
        name: `${first} ${last}`,
        createdAt,
        description: '',
        location: '',
        image: rng.chance(0.85) ? DEFAULT_IMAGE : `https://pbs.twimg.com/profile_images/${id}/photo_normal.jpg`,
        verified: false,
        followers: rng.int(0, 40),
        following: rng.int(1_500, 5_000),
        tweets: Math.round(ageDays * rng.uniform(80, 400)),
        listed: 0,
        bot,
        campaign: pushes
          ? { candidate: 'montoya', tone: 'positive', hashtag: '#MontoyaEsElCambio' }
          : { candidate: 'cifuentes', tone: 'negative', hashtag: '#CifuentesMiente' },
      });
    } else {
      const followers = Math.round(Math.exp(rng.gaussian(5.2, 1.6)));
      authors.push({
        id,
        username: `${first}_${last}${rng.chance(0.5) ? rng.int(1, 99) : ''}`,
        name: `${first[0]?.toUpperCase()}${first.slice(1)} ${last[0]?.toUpperCase()}${last.slice(1)}`,
        createdAt,
        description: pick(rng, BIOS),
        location: pick(rng, CITIES),
        image: `https://pbs.twimg.com/profile_images/${id}/photo_normal.jpg`,
        verified: rng.chance(0.01),
        followers,
        following: Math.round(Math.exp(rng.gaussian(5.5, 1))),
        tweets: Math.round(ageDays * Math.exp(rng.gaussian(0.5, 1))),
        listed: Math.round(followers / rng.uniform(40, 200)),
        bot,
      });
    }
  }
  return authors;
}

function toRow(rng: Rng, id: string, at: Date, text: string, author: Author): SynthPost {
  const reach = author.bot ? 0.2 : Math.log10(author.followers + 10);
  const likes = Math.round(Math.exp(rng.gaussian(reach, 1)) - 1);
  return {
    id,
    created_at: at.toISOString(),
    text,
    author_id: author.id,
    author_username: author.username,
    author_name: author.name,
    author_created_at: author.createdAt.toISOString(),
    ...(author.description ? { author_description: author.description } : {}),
    ...(author.location ? { author_location: author.location } : {}),
    author_profile_image_url: author.image,
    author_verified: author.verified,
    author_followers: author.followers,
    author_following: author.following,
    author_tweets: author.tweets,
    author_listed: author.listed,
    likes: Math.max(0, likes),
    reposts: Math.max(0, Math.round(likes / rng.uniform(3, 8))),
    replies: Math.max(0, Math.round(likes / rng.uniform(4, 12))),
    quotes: Math.max(0, Math.round(likes / rng.uniform(10, 30))),
    lang: 'es',
  };
}
