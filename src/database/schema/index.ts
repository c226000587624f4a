export * from './contact-counts.js';
export * from './contacts.js';
export * from './mail-outbox.js';
export * from './sessions.js';
export * from './users.js';
