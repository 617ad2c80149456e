// The analysis thread's entry when Zhike runs from its TypeScript sources (tests, the benchmark,
// npm run dev): the thread loads them through tsx as the process does. The build runs
// analysis-thread.js directly.
import { register } from 'tsx/esm/api';

register();
await import('./analysis-thread.ts');
