/**
 * A server process with one more durable consumer, `test.counter`, that records
 * every call it gets (event id, instance) in `test_consumed` — so a test across
 * processes can count how often each event was handled, and where. Run with tsx
 * (ServerProcess does for a .ts entry); the table must exist in the schema.
 */
import { defineConsumer } from '../../src/events/consumers.js';
import { startServer } from '../../src/server/start.js';

startServer({
  consumers: ({ db, config }) => [
    defineConsumer({
      name: 'test.counter',
      events: ['message.created'],
      async handle(e) {
        await db.query('INSERT INTO test_consumed (event_id, instance) VALUES ($1, $2)', [e.id, config.instanceId]);
      },
    }),
  ],
}).catch((err) => {
  process.stderr.write(`counting server failed: ${err?.stack ?? err}\n`);
  process.exit(1);
});
