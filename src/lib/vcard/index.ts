/** The vCard library: split a file, read cards (2.1/3.0/4.0, jCard), write and convert them. */
export { convertProperties, convertVCard, type Version } from './convert.js';
export { prepass } from './prepass.js';
export { cardFromProperties } from './read.js';
export { readCard, readCards, readJCard } from './read-file.js';
export { PRODID } from './serialize.js';
export { type CardBlock, splitCards } from './split.js';
export { deriveUid } from './uid.js';
export { cardProperties, deriveDisplayName, writeJCard, writeVCard } from './write.js';
