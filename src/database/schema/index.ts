export * from './contacts.js';
export * from './sessions.js';
export * from './users.js';
