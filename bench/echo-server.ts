// Baseline for the delivery benchmark: a raw `ws` relay with no storage, no auth,
// no validation. Customers send {clientMessageId, conversationId, content}; the
// server acks the sender and forwards the message to every agent socket.
// Same load, same machine, same run: Zhike's figures are read as a ratio to this.
import { WebSocketServer, type WebSocket } from 'ws';

const port = Number(process.env.PORT ?? 0);
const wss = new WebSocketServer({ port, host: '127.0.0.1', perMessageDeflate: false });
const agents = new Set<WebSocket>();
wss.on('connection', (ws) => {
  ws.on('message', (raw) => {
    const frame = JSON.parse(raw.toString());
    if (frame.type === 'hello') {
      if (frame.token) agents.add(ws);
      ws.send(JSON.stringify({ type: 'ready' }));
      return;
    }
    if (frame.type === 'send') {
      const message = { conversationId: frame.conversationId, clientMessageId: frame.clientMessageId, content: frame.content };
      ws.send(JSON.stringify({ type: 'ack', ref: frame.ref, message }));
      const out = JSON.stringify({ type: 'message', message });
      for (const a of agents) a.send(out);
    }
  });
  ws.on('close', () => agents.delete(ws));
});
wss.on('listening', () => {
  const addr = wss.address();
  process.stdout.write(`listening ${addr && typeof addr === 'object' ? addr.port : addr}\n`);
});
