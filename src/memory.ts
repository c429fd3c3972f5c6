/**
 * @module
 */
export * from './adapters/memory/index.js';
