export * from './types.js';
export * from './pack.js';
export * from './inspect.js';
export * from './score.js';
export * from './transcript-text.js';
export * from './review.js';
export * from './sampling.js';
