import type { Catalogue } from '../catalogue.js';

// Sentences of the audit concern (src/audit/ and its CLI commands).
export const audit = {
} satisfies Catalogue;
