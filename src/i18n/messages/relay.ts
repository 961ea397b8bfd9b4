import type { Catalogue } from '../catalogue.js';

// Sentences of the relay concern (src/relay/ and its CLI commands).
export const relay = {
} satisfies Catalogue;
