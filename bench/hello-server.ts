import Fastify from 'fastify';

// The HTTP ceiling on this machine: Fastify answering a constant, nothing else.
const app = Fastify({ logger: false });
app.get('/', async () => ({ hello: 'world' }));
const port = Number(process.argv[2] ?? 0);
const address = await app.listen({ port, host: '127.0.0.1' });
process.stdout.write(`${address}\n`);
