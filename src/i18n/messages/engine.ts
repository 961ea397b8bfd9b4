import type { Catalogue } from '../catalogue.js';

// Sentences of the engine concern (src/engine/ and its CLI commands).
export const engine = {
} satisfies Catalogue;
