#!/usr/bin/env node
// Demo backend for Versus: the demo API (see api.js) in Node.js with Express, routed the Express
// way. It answers byte for byte like server.js and the Python twins.
//
//   node express.js PORT     listens on 127.0.0.1:PORT only
//
// Needs `express` and `pg` from node_modules: `npm ci` in this directory (build-aux/setup.sh).

'use strict';

const express = require('express');
const api = require('./api.js');

const HOST = '127.0.0.1';

function send(res, answer) {
  // setHeader, not res.type(): Express would append "; charset=utf-8", which the twins don't.
  res.status(answer.status).set(answer.headers);
  res.setHeader('Content-Type', 'application/json');
  res.end(answer.body);
}

const app = express();
app.disable('x-powered-by');
app.disable('etag');
// Like the other twins: /api/users/42/ and /API/users/42 are not the user route.
app.set('strict routing', true);
app.set('case sensitive routing', true);
app.set('query parser', (text) => new URLSearchParams(text));

app.get('/api/users/:id', (req, res) => send(res, api.user(req.params.id)));
app.all('/api/users/:id', (req, res) => send(res, api.notAllowed('GET, HEAD')));

app.get('/api/db/users/:id', async (req, res) => send(res, await api.dbUser(req.params.id)));
app.all('/api/db/users/:id', (req, res) => send(res, api.notAllowed('GET, HEAD')));

app.get('/api/work', (req, res) => send(res, api.work(req.query.get('n'))));
app.all('/api/work', (req, res) => send(res, api.notAllowed('GET, HEAD')));

// The raw bytes, not express.json(): an echo must answer the body as it came.
app.post('/api/echo', express.raw({ type: () => true, limit: api.ECHO_MAX }),
  (req, res) => send(res, api.echo(Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0))));
app.all('/api/echo', (req, res) => send(res, api.notAllowed('POST')));

app.use((req, res) => send(res, api.notFound()));
// express.raw's limit and other body errors answer like the echo of the twins; anything else
// (a path segment with a malformed %-escape, which Express refuses to decode) is not a route.
app.use((err, req, res, _next) => {
  if (err.type === 'entity.too.large') send(res, api.echo(Buffer.alloc(api.ECHO_MAX + 1)));
  else if (req.path === '/api/echo' && err.type !== undefined) send(res, api.echo(Buffer.alloc(0)));
  else send(res, api.notFound());
});

const port = api.parsePort(process.argv[2], 'express.js');
const server = app.listen(port, HOST, () => {
  console.log(`express demo backend: listening on http://${HOST}:${port}/api/`);
});
server.on('error', (err) => {
  console.error(`express demo backend: cannot listen on ${HOST}:${port}: ${err.message}`);
  process.exit(1);
});

api.stopOnSignals(server);
