export * from './metrics.js';
export * from './snapshot.js';
export * from './publicConfig.js';
