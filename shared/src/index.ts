export * from './metrics.js';
export * from './snapshot.js';
