export * from './model.js';
export * from './events.js';
export * from './state.js';
export * from './complaint.js';
export * from './sla.js';
export * from './deadlines.js';
