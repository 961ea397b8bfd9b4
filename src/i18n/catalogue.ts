/** One sentence a person reads, in both languages side by side so neither can be forgotten. */
export interface Message {
  en: string;
  vi: string;
}
export type Catalogue = Record<string, Message>;
