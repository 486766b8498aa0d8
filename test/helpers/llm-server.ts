import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ChatRequest {
  headers: IncomingHttpHeaders;
  body: {
    model: string;
    messages: { role: string; content: string }[];
    response_format?: { type: string; json_schema?: { name: string; strict?: boolean; schema: unknown } };
  };
}

export type ChatReply = { status?: number; content?: string; raw?: string; delayMs?: number };

/**
 * A local server speaking the OpenAI chat-completions protocol (POST /chat/completions), whose
 * answer each test decides: valid, invalid, slow or failing.
 */
export async function startChatServer() {
  const requests: ChatRequest[] = [];
  let answer: (req: ChatRequest) => ChatReply = () => ({ content: '{"days":[]}' });
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'not found', type: 'invalid_request_error' } }));
      return;
    }
    const request: ChatRequest = {
      headers: req.headers,
      body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
    };
    requests.push(request);
    const reply = answer(request);
    if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
    if (res.destroyed) return;
    const status = reply.status ?? 200;
    res.writeHead(status, { 'content-type': 'application/json' });
    if (reply.raw !== undefined) return res.end(reply.raw);
    if (status !== 200)
      return res.end(JSON.stringify({ error: { message: 'The server had an error', type: 'server_error' } }));
    res.end(
      JSON.stringify({
        id: 'chatcmpl-test',
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: request.body.model,
        choices: [
          { index: 0, message: { role: 'assistant', content: reply.content ?? '' }, finish_reason: 'stop' },
        ],
        usage: { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 },
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    answer(fn: (req: ChatRequest) => ChatReply) {
      answer = fn;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type ChatServer = Awaited<ReturnType<typeof startChatServer>>;
