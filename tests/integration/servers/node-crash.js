// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
// A Node.js cluster whose first worker crashes under load and is restarted
// by the primary, as users' clusters do:
//   COUNT_DIR=DIR node node-crash.js PORT WORKERS CRASH_AFTER
// The first worker calls process.exit() right after answering its
// CRASH_AFTER-th request; the primary forks a replacement. Every worker
// writes "<requests served>" to DIR/<pid>.count when it leaves (the crash,
// or SIGTERM at the end), for cross-checking the tracer per process.
'use strict';
const cluster = require('cluster');
const fs = require('fs');
const http = require('http');
const path = require('path');

const port = Number(process.argv[2]);
const workers = Number(process.argv[3] || 2);
const crashAfter = Number(process.argv[4] || 200);
const countDir = process.env.COUNT_DIR;

if (cluster.isPrimary) {
  let stopping = false;
  for (let i = 0; i < workers; i++) cluster.fork({ CRASHER: i === 0 ? '1' : '' });
  cluster.on('exit', () => { if (!stopping) cluster.fork({ CRASHER: '' }); });
  process.on('SIGTERM', () => {
    stopping = true;
    let alive = Object.keys(cluster.workers).length;
    if (!alive) process.exit(0);
    for (const worker of Object.values(cluster.workers)) {
      worker.on('exit', () => { if (--alive === 0) process.exit(0); });
      worker.process.kill('SIGTERM');
    }
  });
} else {
  let served = 0;
  const leave = () => {
    if (countDir) fs.writeFileSync(path.join(countDir, `${process.pid}.count`), `${served}\n`);
    process.exit(0);
  };
  http.createServer((req, res) => {
    served++;
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': 3, Connection: 'close' });
    res.end('ok\n', () => { if (process.env.CRASHER && served === crashAfter) leave(); });
  }).listen(port, '127.0.0.1');
  process.on('SIGTERM', leave);
}
