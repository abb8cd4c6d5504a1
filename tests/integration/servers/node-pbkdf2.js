// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
// A Node.js server whose every request runs K crypto.pbkdf2 calls and one
// fs.stat on libuv's thread pool (UV_THREADPOOL_SIZE threads), for the
// libuv pool tests:
//   node node-pbkdf2.js PORT K
// Answers when all are done. Before it listens it reads its own source
// with a callback (pool jobs of Node's own, outside the measurement). On
// SIGTERM it writes "pbkdf2-jobs stat-jobs requests" to $COUNT_FILE (if set).
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const http = require('http');

const port = Number(process.argv[2]);
const perRequest = Number(process.argv[3] || 4);
let submitted = 0, stats = 0, served = 0;
const server = http.createServer((req, res) => {
  let pending = perRequest + 1;
  const done = () => {
    if (--pending === 0) {
      served++;
      res.end('done\n');
    }
  };
  for (let i = 0; i < perRequest; i++) {
    submitted++;
    crypto.pbkdf2('secret', 'salt', 1000, 32, 'sha256', done);
  }
  stats++;
  fs.stat(__filename, done);
});
fs.readFile(__filename, () => server.listen(port, '127.0.0.1'));
process.on('SIGTERM', () => {
  if (process.env.COUNT_FILE) fs.writeFileSync(process.env.COUNT_FILE, `${submitted} ${stats} ${served}\n`);
  process.exit(0);
});
