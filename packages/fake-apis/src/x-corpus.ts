import { createRng, type Rng } from '@castor/seeded-random';

/**
 * A seeded corpus of Spanish (es-CO) political posts for the fake X API: the accounts and posts a
 * recent search pages through in tests and offline runs. The accounts are fictional; the candidates
 * are named as on the 2026 presidential ballot (the names e14-synth prints), and the posts are
 * synthetic opinions about proposals, never factual claims about a person.
 */

export interface XPublicUserMetrics {
  followers_count: number;
  following_count: number;
  tweet_count: number;
  listed_count: number;
  like_count: number;
  media_count: number;
}

/** A user as X API v2 describes one with every `user.fields` the fake knows. */
export interface XUser {
  id: string;
  username: string;
  name: string;
  created_at: string;
  description: string;
  location?: string;
  profile_image_url: string;
  protected: boolean;
  public_metrics: XPublicUserMetrics;
  url?: string;
  verified: boolean;
  verified_type: 'blue' | 'business' | 'government' | 'none';
}

export interface XPostPublicMetrics {
  retweet_count: number;
  reply_count: number;
  like_count: number;
  quote_count: number;
  bookmark_count: number;
  impression_count: number;
}

export interface XEntities {
  hashtags?: Array<{ start: number; end: number; tag: string }>;
  mentions?: Array<{ start: number; end: number; username: string; id: string }>;
  urls?: Array<{ start: number; end: number; url: string; expanded_url: string; display_url: string }>;
}

export interface XReferencedTweet {
  type: 'retweeted' | 'quoted' | 'replied_to';
  id: string;
}

/** A post with every `tweet.fields` the fake knows. */
export interface XPost {
  id: string;
  text: string;
  author_id: string;
  created_at: string;
  lang: string;
  conversation_id: string;
  public_metrics: XPostPublicMetrics;
  entities?: XEntities;
  referenced_tweets?: XReferencedTweet[];
  in_reply_to_user_id?: string;
}

export interface XCorpus {
  users: XUser[];
  posts: XPost[];
}

export interface XCorpusCandidate {
  name: string;
  /** The word a search for the candidate uses (accent-insensitive in the fake). */
  searchTerm: string;
  hashtag: string;
}

export const X_CORPUS_CANDIDATES: readonly XCorpusCandidate[] = [
  { name: 'Iván Cepeda', searchTerm: 'Cepeda', hashtag: 'CepedaPresidente' },
  { name: 'Abelardo de la Espriella', searchTerm: 'Espriella', hashtag: 'ElTigre2026' },
  { name: 'Claudia López', searchTerm: 'Claudia', hashtag: 'ClaudiaPresidenta' },
  { name: 'Miguel Uribe Londoño', searchTerm: 'Uribe', hashtag: 'VamosJuntos' },
  { name: 'Roy Barreras', searchTerm: 'Barreras', hashtag: 'LaFuerza' },
];

export interface SeededXCorpusOptions {
  seed?: number;
  /** Posts to draw (default 600), spread over the `days` before `now`. */
  posts?: number;
  now?: Date;
  /** Default 6: inside recent search's seven-day window. */
  days?: number;
}

/** X's epoch for snowflake ids (2010-11-04T01:42:54.657Z). */
const TWITTER_EPOCH_MS = 1_288_834_974_657n;

/** A snowflake id for a moment: X's ids sort by time, which recent search and since_id rely on. */
export function snowflakeId(at: Date, sequence: number): string {
  return (((BigInt(at.getTime()) - TWITTER_EPOCH_MS) << 22n) + BigInt(sequence & 0x3fffff)).toString();
}

const TOPICS = [
  'seguridad',
  'salud',
  'empleo',
  'la paz',
  'la economía',
  'educación',
  'el campo',
  'la reforma pensional',
];

const POSITIVE = [
  'Me gustó la propuesta de {c} sobre {t}, por fin alguien habla claro 👏',
  'Qué chimba el discurso de {c} en Medellín, mucha gente y mucha energía. {h}',
  '{c} tiene el plan más serio en {t}. Mi voto está decidido {h}',
  'Buenísimo el debate de anoche, {c} explicó bien lo de {t}',
  'Con {c} sí hay esperanza para {t} en las regiones {h}',
];

const NEGATIVE = [
  '{c} no explicó cómo va a financiar lo de {t}. Puro humo 🙄',
  'Uy no, qué mamera otra vez {c} con el mismo cuento de {t}',
  'El plan de {c} para {t} es un desastre, no convence a nadie',
  'Decepcionado con {c}, esquivó todas las preguntas sobre {t}',
  'Lo de {c} en {t} es pura promesa vacía, parce. Nada concreto',
];

const NEUTRAL = [
  'Encuesta nueva: así van {c} y los demás en intención de voto',
  '{c} estará mañana en Barranquilla hablando de {t}',
  '¿Alguien vio la entrevista de {c} sobre {t}? ¿Qué dijo?',
  'Resumen del foro de {t}: intervinieron {c} y otros candidatos',
];

/** What bot-like accounts repeat, word for word, within minutes of each other. */
const BOT_LINES = [
  'Colombia despierta: {c} es el único camino {h} {h} {h}',
  'RETUITEA si estás con {c} 🇨🇴🇨🇴 {h}',
  'No más mentiras, todos con {c} {h}',
];

const PLACES = ['Bogotá', 'Medellín', 'Cali', 'Barranquilla', 'Bucaramanga', 'Pasto', 'Cartagena', 'Villavicencio'];
const FIRST_NAMES = [
  'Laura',
  'Andrés',
  'Camila',
  'Juan David',
  'Valentina',
  'Santiago',
  'Daniela',
  'Carlos',
  'Natalia',
];
const LAST_NAMES = ['Gómez', 'Rodríguez', 'Martínez', 'Ramírez', 'Torres', 'Vargas', 'Moreno', 'Rojas', 'Castaño'];

interface AuthorProfile {
  user: XUser;
  /** Relative share of the corpus's posts. */
  weight: number;
  bot: boolean;
}

function isoMinusDays(now: Date, days: number): string {
  return new Date(now.getTime() - days * 86_400_000).toISOString();
}

function makeAuthors(rng: Rng, now: Date): AuthorProfile[] {
  const authors: AuthorProfile[] = [];
  const people = 14;
  for (let index = 0; index < people; index++) {
    const first = rng.pick(FIRST_NAMES);
    const last = rng.pick(LAST_NAMES);
    const handle = `${first.split(' ')[0]}${last}`
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .slice(0, 11);
    const outlet = index < 2;
    authors.push({
      bot: false,
      weight: outlet ? 3 : rng.uniform(0.5, 2),
      user: {
        id: String(10_000_000 + index * 7_919),
        username: outlet ? (['NoticiasRegion', 'PulsoPolitico'][index] ?? `medio${index}`) : `${handle}_${index}`,
        name: outlet ? (['Noticias Región', 'Pulso Político CO'][index] ?? `Medio ${index}`) : `${first} ${last}`,
        created_at: isoMinusDays(now, rng.int(900, 5_000)),
        description: outlet
          ? 'Periodismo independiente desde las regiones de Colombia.'
          : `${rng.pick(['Docente', 'Ingeniera', 'Comerciante', 'Estudiante', 'Abogado'])} en ${rng.pick(PLACES)}. Opiniones propias.`,
        location: `${rng.pick(PLACES)}, Colombia`,
        profile_image_url: `https://pbs.twimg.com/profile_images/${10_000_000 + index}/foto_normal.jpg`,
        protected: false,
        public_metrics: {
          followers_count: outlet ? rng.int(80_000, 400_000) : rng.int(150, 6_000),
          following_count: rng.int(100, 900),
          tweet_count: rng.int(2_000, 40_000),
          listed_count: outlet ? rng.int(300, 2_000) : rng.int(0, 40),
          like_count: rng.int(1_000, 60_000),
          media_count: rng.int(50, 3_000),
        },
        ...(outlet ? { url: 'https://t.co/medio' } : {}),
        verified: outlet,
        verified_type: outlet ? 'business' : rng.chance(0.2) ? 'blue' : 'none',
      },
    });
  }
  const bots = 6;
  for (let index = 0; index < bots; index++) {
    authors.push({
      bot: true,
      weight: 2.5,
      user: {
        id: String(90_000_000 + index * 104_729),
        username: `patriota${rng.int(10_000_000, 99_999_999)}`,
        name: rng.pick(['Colombia Libre', 'Patriota 🇨🇴', 'Voz del Pueblo', 'Despierta CO']),
        // Bot-like: weeks old, default picture, few followers, follows thousands, posts non-stop.
        created_at: isoMinusDays(now, rng.int(10, 60)),
        description: '',
        profile_image_url: 'https://abs.twimg.com/sticky/default_profile_images/default_profile_normal.png',
        protected: false,
        public_metrics: {
          followers_count: rng.int(0, 25),
          following_count: rng.int(1_500, 4_900),
          tweet_count: rng.int(8_000, 30_000),
          listed_count: 0,
          like_count: rng.int(0, 50),
          media_count: 0,
        },
        verified: false,
        verified_type: 'none',
      },
    });
  }
  return authors;
}

/** Hashtags, mentions and URLs of a text, with X's start/end offsets (UTF-16 units here). */
export function entitiesOf(text: string, usersByName: ReadonlyMap<string, XUser>): XEntities | undefined {
  const span = (match: RegExpMatchArray) => ({ start: match.index ?? 0, end: (match.index ?? 0) + match[0].length });
  const hashtags = [...text.matchAll(/#([\p{L}\p{N}_]+)/gu)].map((match) => ({ ...span(match), tag: match[1] ?? '' }));
  const mentions = [...text.matchAll(/@(\w{1,15})/g)].flatMap((match) => {
    const user = usersByName.get((match[1] ?? '').toLowerCase());
    return user ? [{ ...span(match), username: user.username, id: user.id }] : [];
  });
  const urls = [...text.matchAll(/https:\/\/t\.co\/\w+/g)].map((match) => ({
    ...span(match),
    url: match[0],
    expanded_url: 'https://www.ejemplo.com.co/politica/elecciones-2026',
    display_url: 'ejemplo.com.co/politica/elecc…',
  }));
  const entities: XEntities = {
    ...(hashtags.length > 0 ? { hashtags } : {}),
    ...(mentions.length > 0 ? { mentions } : {}),
    ...(urls.length > 0 ? { urls } : {}),
  };
  return Object.keys(entities).length > 0 ? entities : undefined;
}

function fill(template: string, candidate: XCorpusCandidate, topic: string): string {
  return template.replaceAll('{c}', candidate.name).replaceAll('{t}', topic).replaceAll('{h}', `#${candidate.hashtag}`);
}

/**
 * Draws a corpus: 20 authors (two outlets, twelve people, six bot-like accounts that repeat the same
 * lines in bursts and retweet each other), posts spread over the last days, newest first, with
 * snowflake ids that sort by time. The same seed and `now` give the same corpus.
 */
export function seededXCorpus(options: SeededXCorpusOptions = {}): XCorpus {
  const { seed = 2026, posts: count = 600, now = new Date(), days = 6 } = options;
  const rng = createRng(seed);
  const authors = makeAuthors(rng, now);
  const users = authors.map((author) => author.user);
  const usersByName = new Map(users.map((user) => [user.username.toLowerCase(), user]));
  const weights = authors.map((author) => author.weight);
  const spanMs = days * 86_400_000;
  const posts: XPost[] = [];
  const offsets = Array.from({ length: count }, () => rng.uniform(0, spanMs)).sort((a, b) => a - b);

  for (let index = 0; index < count; index++) {
    const author = authors[rng.weightedIndex(weights)] as AuthorProfile;
    const createdAt = new Date(Math.floor(now.getTime() - spanMs + (offsets[index] ?? 0)));
    const id = snowflakeId(createdAt, index);
    const candidate = rng.pick(X_CORPUS_CANDIDATES);
    const topic = rng.pick(TOPICS);
    const earlier = posts.length > 0 ? rng.pick(posts.slice(-40)) : undefined;
    let text: string;
    let referenced: XReferencedTweet[] | undefined;
    let conversationId = id;
    let inReplyTo: string | undefined;

    if (author.bot && earlier && rng.chance(0.4)) {
      const original = users.find((user) => user.id === earlier.author_id) as XUser;
      text = `RT @${original.username}: ${earlier.text}`.slice(0, 280);
      referenced = [{ type: 'retweeted', id: earlier.id }];
    } else if (author.bot) {
      text = fill(rng.pick(BOT_LINES), candidate, topic);
    } else if (earlier && rng.chance(0.15)) {
      const original = users.find((user) => user.id === earlier.author_id) as XUser;
      text = `@${original.username} ${fill(rng.pick([...POSITIVE, ...NEGATIVE]), candidate, topic)}`;
      referenced = [{ type: 'replied_to', id: earlier.id }];
      conversationId = earlier.conversation_id;
      inReplyTo = original.id;
    } else {
      const tone = rng.pickWeighted({ positive: 3, negative: 3, neutral: 2 });
      const templates = tone === 'positive' ? POSITIVE : tone === 'negative' ? NEGATIVE : NEUTRAL;
      text = fill(rng.pick(templates), candidate, topic);
      if (rng.chance(0.1)) text += ' https://t.co/x4Rb9Lm2Qa';
    }

    const reach = author.user.public_metrics.followers_count;
    const likes = author.bot ? rng.int(0, 3) : Math.floor(rng.uniform(0, 0.02) * reach);
    const entities = entitiesOf(text, usersByName);
    posts.push({
      id,
      text,
      author_id: author.user.id,
      created_at: createdAt.toISOString(),
      lang: 'es',
      conversation_id: conversationId,
      public_metrics: {
        retweet_count: Math.floor(likes * rng.uniform(0.1, 0.5)),
        reply_count: Math.floor(likes * rng.uniform(0, 0.2)),
        like_count: likes,
        quote_count: Math.floor(likes * rng.uniform(0, 0.05)),
        bookmark_count: Math.floor(likes * rng.uniform(0, 0.1)),
        impression_count: author.bot ? rng.int(5, 60) : Math.floor(reach * rng.uniform(0.05, 0.6)) + likes,
      },
      ...(entities ? { entities } : {}),
      ...(referenced ? { referenced_tweets: referenced } : {}),
      ...(inReplyTo ? { in_reply_to_user_id: inReplyTo } : {}),
    });

    // Bots post in bursts: the same line again from other bot accounts within a few minutes.
    if (author.bot && !referenced && rng.chance(0.5)) {
      const copies = rng.int(1, 3);
      for (let copy = 0; copy < copies && index + 1 < count; copy++) {
        index += 1;
        const bot = rng.pick(authors.filter((other) => other.bot && other !== author));
        const at = new Date(Math.min(createdAt.getTime() + (copy + 1) * rng.int(20_000, 120_000), now.getTime()));
        const copyId = snowflakeId(at, index);
        posts.push({
          id: copyId,
          text,
          author_id: bot.user.id,
          created_at: at.toISOString(),
          lang: 'es',
          conversation_id: copyId,
          public_metrics: {
            retweet_count: 0,
            reply_count: 0,
            like_count: rng.int(0, 2),
            quote_count: 0,
            bookmark_count: 0,
            impression_count: rng.int(3, 40),
          },
          ...(entities ? { entities } : {}),
        });
      }
    }
  }
  posts.sort((a, b) => compareIds(b.id, a.id));
  return { users, posts };
}

/** Orders snowflake ids (decimal strings of up to 19 digits) numerically. */
export function compareIds(a: string, b: string): number {
  return a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0;
}
