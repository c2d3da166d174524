#!/usr/bin/env node
// Demo backend for Versus: the demo API (see api.js) in Node.js with the plain `http` module.
// Its twins (express.js here, ../python/) answer byte for byte the same, so that a comparison
// measures the runtimes and not the payloads.
//
//   node server.js PORT      listens on 127.0.0.1:PORT only
//
// The DB endpoint needs `pg` (npm ci in this directory, done by build-aux/setup.sh); the other
// endpoints need nothing but Node.js.

'use strict';

const http = require('node:http');
const api = require('./api.js');

const HOST = '127.0.0.1';
const USER_PATH = /^\/api\/users\/([^/]*)$/;
const DB_USER_PATH = /^\/api\/db\/users\/([^/]*)$/;

function send(req, res, answer) {
  res.writeHead(answer.status, {
    'Content-Type': 'application/json',
    'Content-Length': answer.body.length,
    ...answer.headers,
  });
  res.end(req.method === 'HEAD' ? undefined : answer.body);
}

// A path segment percent-decoded, as Express, Flask and Starlette hand it to their routes.
function decode(segment) {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function readBody(req, done) {
  const chunks = [];
  let length = 0;
  req.on('data', (chunk) => {
    length += chunk.length;
    if (length <= api.ECHO_MAX) chunks.push(chunk);
  });
  // Past the limit only the length matters: echo() answers 413 for it.
  req.on('end', () => done(length > api.ECHO_MAX ? Buffer.alloc(length > 0 ? api.ECHO_MAX + 1 : 0)
    : Buffer.concat(chunks)));
}

function handle(req, res) {
  const url = new URL(req.url, 'http://localhost');
  const path = url.pathname;
  const get = req.method === 'GET' || req.method === 'HEAD';
  let match;

  if ((match = USER_PATH.exec(path)) !== null) {
    send(req, res, get ? api.user(decode(match[1])) : api.notAllowed('GET, HEAD'));
  } else if ((match = DB_USER_PATH.exec(path)) !== null) {
    if (!get) {
      send(req, res, api.notAllowed('GET, HEAD'));
      return;
    }
    api.dbUser(decode(match[1])).then((answer) => send(req, res, answer));
  } else if (path === '/api/work') {
    send(req, res, get ? api.work(url.searchParams.get('n')) : api.notAllowed('GET, HEAD'));
  } else if (path === '/api/echo') {
    if (req.method !== 'POST') {
      send(req, res, api.notAllowed('POST'));
      return;
    }
    readBody(req, (body) => send(req, res, api.echo(body)));
  } else {
    send(req, res, api.notFound());
  }
}

const port = api.parsePort(process.argv[2], 'server.js');
const server = http.createServer(handle);

server.on('error', (err) => {
  console.error(`node demo backend: cannot listen on ${HOST}:${port}: ${err.message}`);
  process.exit(1);
});

server.listen(port, HOST, () => {
  console.log(`node demo backend: listening on http://${HOST}:${port}/api/`);
});

api.stopOnSignals(server);
