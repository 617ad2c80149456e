// Baseline for the HTTP client API benchmark: a bare node:http server with no
// storage, no auth, no validation. It reads the body, parses the JSON and answers
// 201 with a message-shaped JSON body, on keep-alive connections.
// Same load, same machine, same run: Zhike's figures are read as a ratio to this.
import http from 'node:http';

let id = 0;
const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    let body: { content?: string; clientMessageId?: string };
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":{"code":"invalid_json","message":"bad JSON"}}');
      return;
    }
    const conversationId = Number(/conversations\/(\d+)\//.exec(req.url ?? '')?.[1] ?? 0);
    const message = {
      id: ++id,
      conversationId,
      seq: id,
      senderType: 'customer',
      content: body.content ?? '',
      clientMessageId: body.clientMessageId ?? null,
      createdAt: new Date().toISOString(),
    };
    res.writeHead(201, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(message));
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const addr = server.address();
  process.stdout.write(`listening ${addr && typeof addr === 'object' ? addr.port : addr}\n`);
});
