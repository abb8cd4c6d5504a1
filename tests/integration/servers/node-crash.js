// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
// A Node.js cluster one of whose workers crashes under load and is restarted
// by the primary, as users' clusters do:
//   COUNT_DIR=DIR node node-crash.js PORT WORKERS CRASH_AFTER
// The first worker to answer CRASH_AFTER requests (whichever started first:
// on a busy machine one worker may take all of them) asks the primary, and
// the first to ask calls process.exit() when the answer comes, whatever it
// holds in flight; the primary forks a replacement. Every worker
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
  let crashed = false;
  for (let i = 0; i < workers; i++) cluster.fork();
  cluster.on('message', (worker, message) => {
    if (message === 'may-crash' && !crashed) {
      crashed = true;
      worker.send('crash');
    }
  });
  cluster.on('exit', () => { if (!stopping) cluster.fork(); });
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
    if (served === crashAfter) process.send('may-crash');
    res.end('ok\n');
  }).listen(port, '127.0.0.1');
  process.on('SIGTERM', leave);
  process.on('message', (message) => { if (message === 'crash') leave(); });
}
