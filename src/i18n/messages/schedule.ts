import type { Catalogue } from '../catalogue.js';

// Sentences of the schedule concern (src/schedule/ and its CLI commands).
export const schedule = {
} satisfies Catalogue;
