const dateTime = new Intl.DateTimeFormat('es-CO', { dateStyle: 'medium', timeStyle: 'short' });

/** An API timestamp as a person in Colombia reads it. */
export const formatDateTime = (iso: string) => dateTime.format(new Date(iso));
