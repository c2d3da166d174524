#!/usr/bin/env node
// Demo backend for Versus: a tiny JSON API in Node.js with the plain `http` module (no npm
// packages). The Python twin in ../python/app.py answers byte for byte the same, so that a
// comparison measures the runtimes and not the payloads.
//
//   node server.js PORT      listens on 127.0.0.1:PORT only
//
//   GET /api/users/:id   200 {"id":42,"name":"User 42","email":"user42@example.com","active":true}
//   non-numeric :id      404 {"error":"not found"}
//   any other path       404 {"error":"not found"}
//   other methods        405 {"error":"method not allowed"}

'use strict';

const http = require('node:http');

const HOST = '127.0.0.1';
// Up to 15 digits, so the id stays exact in a JavaScript number and both twins agree.
const USER_PATH = /^\/api\/users\/([0-9]{1,15})$/;

function parsePort(text) {
  const port = /^[0-9]+$/.test(text || '') ? Number(text) : NaN;
  if (!(port >= 1 && port <= 65535)) {
    console.error(`usage: node server.js PORT (1–65535), got “${text || ''}”`);
    process.exit(2);
  }
  return port;
}

function send(res, status, object, extraHeaders) {
  const body = JSON.stringify(object);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body),
    ...extraHeaders,
  });
  res.end(body);
}

function handle(req, res) {
  const query = req.url.indexOf('?');
  const path = query < 0 ? req.url : req.url.slice(0, query);
  const match = USER_PATH.exec(path);

  if (match === null) {
    send(res, 404, { error: 'not found' });
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    send(res, 405, { error: 'method not allowed' }, { Allow: 'GET, HEAD' });
    return;
  }

  const id = Number(match[1]);
  send(res, 200, { id, name: `User ${id}`, email: `user${id}@example.com`, active: true });
}

const port = parsePort(process.argv[2]);
const server = http.createServer(handle);

server.on('error', (err) => {
  console.error(`node demo backend: cannot listen on ${HOST}:${port}: ${err.message}`);
  process.exit(1);
});

server.listen(port, HOST, () => {
  console.log(`node demo backend: listening on http://${HOST}:${port}/api/users/:id`);
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    server.close();
    server.closeAllConnections();
    process.exit(0);
  });
}
