/** Mantine dims input descriptions below the contrast axe asks for: this keeps them in the text colour. */
export const READABLE_DESCRIPTION = { description: { color: 'var(--mantine-color-text)' } };
