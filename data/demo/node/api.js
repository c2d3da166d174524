// The demo API, shared by both Node.js backends (server.js: plain `http`; express.js: Express).
// Each handler takes what it needs and returns {status, body, headers}; the body is a Buffer.
// The Python twin is ../python/demo_api.py; both answer every request byte for byte alike
// (tests/test-demo-backends.py checks it). The API:
//
//   GET  /api/users/:id     200 {"id":42,"name":"User 42","email":"user42@example.com",
//                           "active":true} (computed, no I/O); :id not 1–15 digits → 404
//                           {"error":"not found"}
//   POST /api/echo          200, the request body itself, when it is valid UTF-8 JSON of at most
//                           1 MiB; else 400 {"error":"invalid JSON"} or 413
//                           {"error":"body too large"}
//   GET  /api/work?n=N      200 {"n":N,"result":R}: N rounds of r = (r * 31 + i) % 1000003, a
//                           CPU-bound loop in the language itself; N missing or not an integer
//                           from 1 to 10000000 → 400
//                           {"error":"n must be an integer from 1 to 10000000"}
//   GET  /api/db/users/:id  200 {"id":…,"name":…,"email":…,"active":…} read from PostgreSQL
//                           (table users, seeded by ../db.sh); no such row → 404; database not
//                           configured or unreachable → 503 {"error":"database unavailable"}
//   any other path          404 {"error":"not found"}
//   another method          405 {"error":"method not allowed"}, Allow: GET, HEAD (POST for echo)
//
// The database is the Unix socket directory in $VERSUS_DEMO_PGHOST (set by ../backends.sh), no
// TCP. It is connected on the first DB request, so the other endpoints work without it.

'use strict';

const USER_ID = /^[0-9]{1,15}$/;
const WORK_MAX = 10000000;
const ECHO_MAX = 1024 * 1024;

function json(status, object, headers) {
  return { status, body: Buffer.from(JSON.stringify(object)), headers: headers || {} };
}

const notFound = () => json(404, { error: 'not found' });
const notAllowed = (allow) => json(405, { error: 'method not allowed' }, { Allow: allow });
const badN = () => json(400, { error: `n must be an integer from 1 to ${WORK_MAX}` });

function user(idText) {
  if (!USER_ID.test(idText)) return notFound();
  const id = Number(idText);
  return json(200, { id, name: `User ${id}`, email: `user${id}@example.com`, active: true });
}

// body: a Buffer with the whole request body (the caller stops reading past ECHO_MAX).
function echo(body) {
  if (body.length > ECHO_MAX) return json(413, { error: 'body too large' });
  let text;
  try {
    // fatal: invalid UTF-8 is an error; ignoreBOM: a BOM stays, and JSON.parse rejects it as
    // Python's json.loads does.
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(body);
    JSON.parse(text);
  } catch {
    return json(400, { error: 'invalid JSON' });
  }
  return { status: 200, body, headers: {} };
}

// nText: the first n= of the query string, decoded, or null.
function work(nText) {
  if (nText === null || !/^[0-9]{1,8}$/.test(nText)) return badN();
  const n = Number(nText);
  if (n < 1 || n > WORK_MAX) return badN();
  let r = 0;
  for (let i = 0; i < n; i++) r = (r * 31 + i) % 1000003;
  return json(200, { n, result: r });
}

let pool = null;

function dbPool() {
  if (pool === null && process.env.VERSUS_DEMO_PGHOST) {
    const { Pool } = require('pg');
    pool = new Pool({
      host: process.env.VERSUS_DEMO_PGHOST,
      database: 'versus',
      user: 'versus',
      max: 10,
    });
    pool.on('error', () => {}); // an idle client lost: the next query reconnects
  }
  return pool;
}

async function dbUser(idText) {
  if (!USER_ID.test(idText)) return notFound();
  const db = dbPool();
  if (db === null) return json(503, { error: 'database unavailable' });
  let result;
  try {
    result = await db.query('SELECT id, name, email, active FROM users WHERE id = $1', [idText]);
  } catch {
    return json(503, { error: 'database unavailable' });
  }
  if (result.rows.length === 0) return notFound();
  const row = result.rows[0];
  // bigint arrives as a string; the ids are below 2^53, so Number is exact.
  return json(200, { id: Number(row.id), name: row.name, email: row.email, active: row.active });
}

function parsePort(text, script) {
  const port = /^[0-9]+$/.test(text || '') ? Number(text) : NaN;
  if (!(port >= 1 && port <= 65535)) {
    console.error(`usage: node ${script} PORT (1–65535), got “${text || ''}”`);
    process.exit(2);
  }
  return port;
}

// Ends the process on SIGINT/SIGTERM after closing the listener and its connections.
function stopOnSignals(server) {
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      server.close();
      server.closeAllConnections();
      if (pool !== null) pool.end().catch(() => {});
      process.exit(0);
    });
  }
}

module.exports = {
  ECHO_MAX, user, echo, work, dbUser, notFound, notAllowed, parsePort, stopOnSignals,
};
