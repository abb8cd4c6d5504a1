// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
// The seed architecture in Node.js: a master that child_process.fork()s N
// workers and sends each the listening server handle (one shared listener,
// like pre-fork). Every worker serves HTTP itself; the master only supervises.
//   node node-fork-shared.js PORT WORKERS
// On SIGTERM each worker writes "<requests served>" to
// $TESTBED_COUNT_DIR/<pid>.count (its own count, for cross-checking the tracer);
// $TESTBED_COUNT_DIR/ready appears once the workers serve and the master no
// longer accepts.
'use strict';
const { fork } = require('child_process');
const fs = require('fs');
const http = require('http');
const net = require('net');
const path = require('path');

const port = Number(process.argv[2] || 8080);
const workers = Number(process.argv[3] || 4);
const countDir = process.env.TESTBED_COUNT_DIR;

function serveRequests() {
  let served = 0;
  const app = http.createServer((req, res) => {
    served++;
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': 3 });
    res.end('ok\n');
  });
  process.on('message', (message, server) => {
    if (message !== 'server') return;
    // hand every connection of the shared listener to our HTTP server
    server.on('connection', (socket) => app.emit('connection', socket));
    process.send('ready');
  });
  process.on('SIGTERM', () => {
    if (countDir) fs.writeFileSync(path.join(countDir, `${process.pid}.count`), `${served}\n`);
    process.exit(0);
  });
}

function supervise() {
  const server = net.createServer();
  const children = [];
  let ready = 0;
  server.listen({ host: '127.0.0.1', port }, () => {
    for (let i = 0; i < workers; i++) {
      const child = fork(__filename, process.argv.slice(2), { env: { ...process.env, TESTBED_ROLE: 'worker' } });
      children.push(child);
      child.on('message', (m) => {
        // every worker holds the handle: the master's own copy must not accept
        if (m === 'ready' && ++ready === workers) {
          server.close();
          if (countDir) fs.writeFileSync(path.join(countDir, 'ready'), '');
        }
      });
      child.send('server', server);
    }
  });
  process.on('SIGTERM', () => {
    let alive = children.length;
    for (const child of children) {
      child.on('exit', () => { if (--alive === 0) process.exit(0); });
      child.kill('SIGTERM');
    }
  });
}

if (process.env.TESTBED_ROLE === 'worker') serveRequests(); else supervise();
