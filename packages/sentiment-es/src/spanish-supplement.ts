/**
 * General Spanish evaluative words and phrases that the machine-translated AFINN lacks or gets
 * wrong, on AFINN's scale (-5..5), keyed by folded form. Hand-written for CASTOR from general
 * knowledge of Spanish (found missing while checking common words of political talk against the
 * translated lexicon); no list copied. Entries here win over AFINN; 0 marks a word as not polar (a
 * mistranslation), so that no inflection of it is looked up either.
 */
export const SPANISH_SUPPLEMENT: ReadonlyMap<string, number> = new Map([
  ['bien', 2], // "well, good": the translation has "bueno" but not "bien"
  ['lindo', 3],
  ['linda', 3],
  ['bravo', 2],
  ['avance', 2],
  ['avances', 2],
  ['por fin', 1], // "at last": relief
  ['vale la pena', 2],
  ['mentira', -3],
  ['mentiras', -3],
  ['miente', -3],
  ['mienten', -3],
  ['mintio', -3],
  ['roban', -3],
  ['robaron', -3],
  ['masacre', -4],
  ['masacres', -4],
  ['genocidio', -5],
  ['atentado', -4],
  ['terrorismo', -4],
  ['dictadura', -3],
  ['bochornoso', -3],
  ['inadmisible', -3],
  ['hipocresia', -3],
  ['impunidad', -3],
  ['impunes', -3],
  ['inseguridad', -2],
  ['desigualdad', -2],
  ['abandono', -2],
  ['bandido', -3],
  ['bandidos', -3],
  ['incumplir', -2],
  ['incumple', -2],
  ['incumplio', -2],
  ['incumplimiento', -2],
  ['lamento', -2],
  ['lamentamos', -2],
  ['no sirve', -2], // "it's useless": a phrase, read before "no" is taken as a negator
  ['no sirven', -2],
  ['gran', 2], // "great" before a noun ("gran trabajo"); the translation has only "grande"
  // Translated as negative ("listo" from "smartass"?): "ready, clever", "OK" in Colombia, and
  // the party lists in politics.
  ['listo', 0],
  ['lista', 0],
  ['listos', 0],
  ['listas', 0],
]);
