import { en } from './en';

/** The strings of the browser's language; English is the only translation so far. */
export const t = en;
