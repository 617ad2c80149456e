import { startServer } from './start.js';

startServer().catch((err) => {
  process.stderr.write(`Zhike failed to start: ${err?.stack ?? err}\n`);
  process.exit(1);
});
