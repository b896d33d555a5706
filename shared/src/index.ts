export * from './activity.js';
export * from './metrics.js';
export * from './figures.js';
export * from './snapshot.js';
export * from './publicConfig.js';
export * from './thresholds.js';
export * from './alerts.js';
export * from './viewPatch.js';
