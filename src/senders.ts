export * from './senders/index.js';
