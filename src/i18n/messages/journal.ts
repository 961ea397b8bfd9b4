import type { Catalogue } from '../catalogue.js';

// Sentences of the journal concern (src/journal/ and its CLI commands).
export const journal = {
} satisfies Catalogue;
