import type { Catalogue } from '../catalogue.js';

// Sentences of the audio concern (src/audio/ and its CLI commands).
export const audio = {
} satisfies Catalogue;
