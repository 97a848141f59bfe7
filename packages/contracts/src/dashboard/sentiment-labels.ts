/** The three classes every sentiment provider answers with. */
export const SENTIMENT_LABEL_VALUES = ['negative', 'neutral', 'positive'] as const;
export type SentimentLabelValue = (typeof SENTIMENT_LABEL_VALUES)[number];
