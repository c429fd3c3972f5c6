/**
 * @module
 */
export * from './adapters/redis/index.js';
