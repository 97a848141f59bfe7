/**
 * Colombian (and Colombian political) usage the general Spanish lexicon lacks or gets wrong, on
 * AFINN's scale (-5..5). Written by hand by a CASTOR engineer from general knowledge of Colombian
 * Spanish and of Colombian political talk on social media; no corpus was mined and no word list
 * copied. Kept small on purpose: each entry is common and its polarity mostly unambiguous; where it
 * is not, the comment says so and the value is mild. Keys are folded (lower case, no accents) and may
 * be two or three words.
 */
export const COLOMBIAN_LEXICON: ReadonlyMap<string, number> = new Map([
  // Praise and approval.
  ['bacano', 3], // "cool, great"; everyday Colombian slang
  ['bacana', 3],
  ['bacanisimo', 4],
  ['chevere', 3], // "nice, great"; Colombia and Venezuela
  ['que chimba', 4], // "how great"; "chimba" alone is ambiguous (see below)
  ['una chimba', 3], // "es una chimba": it's great
  ['berraco', 1], // "a capable, brave person" ("es un berraco"); also "angry" ("estoy berraco"): kept mild
  ['verraco', 1], // same word, other spelling
  ['berraquera', 3], // "una berraquera": excellent
  ['que nota', 3], // "how great"
  ['del putas', 3], // "excellent" (vulgar, approving)
  ['de una', 1], // "sure, let's do it": agreement
  ['firmes', 1], // "firmes con ...": standing with someone
  ['parcero', 1], // "mate": friendly, barely polar
  // Disapproval, contempt, disappointment.
  ['paila', -2], // "too bad, we're done for"
  ['que boleta', -3], // "how embarrassing / tacky"
  ['boleta', -2], // "embarrassing"; also "ticket", hence mild
  ['chimbo', -2], // "bad, fake, worthless"
  ['chimbada', -2], // "a bad / annoying thing"
  ['ni por el chimba', -3], // "no way at all"
  ['que mamera', -2], // "how boring / what a drag"
  ['mamera', -2],
  ['jartera', -2], // "a drag, tiresome"
  ['me da piedra', -3], // "it makes me angry"
  ['emberracado', -3], // "furious"
  ['que pena', -1], // "sorry / how embarrassing": often only polite, hence mild
  ['gonorrea', -4], // strong insult
  ['malparido', -4], // strong insult
  ['hijueputa', -4], // strong insult (also used admiringly among friends: rare in political talk)
  ['gamin', -2], // "street urchin", used as an insult
  ['lambon', -2], // "bootlicker"
  ['lagarto', -2], // "social climber, favour seeker"
  ['sapo', -2], // "snitch, meddler"
  ['rata', -3], // "thief" (of politicians)
  ['ratas', -3],
  ['rosca', -2], // "clique, nepotism" in public office
  ['serrucho', -3], // "kickback" in public contracts
  ['guiso', -2], // "shady deal"
  ['mermelada', -2], // "pork barrel" (government favours for votes): the political sense dominates
  ['enmermelado', -3], // "bought with pork barrel"
  ['enmermelados', -3],
  ['falso positivo', -4], // extrajudicial killings presented as combat deaths
  ['falsos positivos', -4],
  ['paraco', -3], // "paramilitary", an insult
  ['paracos', -3],
  ['mamerto', -2], // pejorative for a leftist
  ['mamertos', -2],
  ['uribestia', -3], // pejorative for a supporter of Álvaro Uribe
  ['uribestias', -3],
  ['petrosky', -2], // pejorative nickname for Gustavo Petro
  ['castrochavismo', -3], // right-wing scare word for the left
  ['castrochavista', -3],
  ['tibio', -1], // "lukewarm": an insult for centrists
  ['tibios', -1],
  ['bodega', -1], // "troll farm" in political talk (also a warehouse, hence mild)
  ['bodegueros', -2], // paid trolls
  ['robadera', -3], // "rampant stealing"
  ['corruptos', -3], // missing from the translated lexicon in the plural
  ['nos robaron', -3],
]);
