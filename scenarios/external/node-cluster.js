// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
// A Node.js cluster HTTP server. The scheduling policy comes from
// NODE_CLUSTER_SCHED_POLICY: "rr" (the primary accepts and passes each
// connection to a worker over the IPC channel, Linux's default) or "none"
// (every worker accepts from the shared listener itself).
//   NODE_CLUSTER_SCHED_POLICY=rr node node-cluster.js PORT WORKERS
// On SIGTERM each worker writes "<requests served>" to
// $TESTBED_COUNT_DIR/<pid>.count (its own count, for cross-checking the tracer);
// $TESTBED_COUNT_DIR/ready appears once every worker listens.
'use strict';
const cluster = require('cluster');
const fs = require('fs');
const http = require('http');
const path = require('path');

const port = Number(process.argv[2] || 8080);
const workers = Number(process.argv[3] || 4);
const countDir = process.env.TESTBED_COUNT_DIR;

if (cluster.isPrimary) {
  let listening = 0;
  for (let i = 0; i < workers; i++) cluster.fork();
  cluster.on('listening', () => {
    if (++listening === workers && countDir) fs.writeFileSync(path.join(countDir, 'ready'), '');
  });
  process.on('SIGTERM', () => {
    let alive = Object.keys(cluster.workers).length;
    for (const worker of Object.values(cluster.workers)) {
      worker.on('exit', () => { if (--alive === 0) process.exit(0); });
      worker.process.kill('SIGTERM');
    }
  });
} else {
  let served = 0;
  http.createServer((req, res) => {
    served++;
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': 3 });
    res.end('ok\n');
  }).listen(port, '127.0.0.1');
  process.on('SIGTERM', () => {
    if (countDir) fs.writeFileSync(path.join(countDir, `${process.pid}.count`), `${served}\n`);
    process.exit(0);
  });
}
