/** Mantine dims input descriptions below the contrast axe asks for: this keeps them in the text colour. */
export const READABLE_DESCRIPTION = { description: { color: 'var(--mantine-color-text)' } };

/** Mantine dims table captions the same way: a caption on top of a table keeps the text colour. */
export const READABLE_CAPTION = { caption: { color: 'var(--mantine-color-text)', textAlign: 'left' as const } };
