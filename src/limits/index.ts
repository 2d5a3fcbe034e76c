// Public surface of the product's limits table (pure constants; imports nothing).
export * from './limits.js';
