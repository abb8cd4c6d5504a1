// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
// A Node.js server whose every request runs K crypto.pbkdf2 calls on
// libuv's thread pool (UV_THREADPOOL_SIZE threads), for the libuv pool tests:
//   node node-pbkdf2.js PORT K
// Answers when all K are done. On SIGTERM it writes the pbkdf2 jobs it
// submitted to $COUNT_FILE (if set) as "jobs requests".
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const http = require('http');

const port = Number(process.argv[2]);
const perRequest = Number(process.argv[3] || 4);
let submitted = 0, served = 0;
const server = http.createServer((req, res) => {
  let pending = perRequest;
  for (let i = 0; i < perRequest; i++) {
    submitted++;
    crypto.pbkdf2('secret', 'salt', 1000, 32, 'sha256', () => {
      if (--pending === 0) {
        served++;
        res.end('done\n');
      }
    });
  }
});
server.listen(port, '127.0.0.1');
process.on('SIGTERM', () => {
  if (process.env.COUNT_FILE) fs.writeFileSync(process.env.COUNT_FILE, `${submitted} ${served}\n`);
  process.exit(0);
});
