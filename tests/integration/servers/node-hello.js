// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
// A Node.js server written the way users write one, for trace tests:
//   node node-hello.js PORT [HOST|v6only]
// No HOST: server.listen(PORT), Node's default, which binds :: dual-stack
// (IPv4 clients arrive as ::ffff:127.0.0.1). HOST: server.listen(PORT, HOST).
// v6only: :: with ipv6Only, which takes no IPv4 connection.
// On SIGTERM it writes the requests it served to $COUNT_FILE (if set).
'use strict';
const fs = require('fs');
const http = require('http');

const port = Number(process.argv[2]);
const host = process.argv[3];
let served = 0;
const server = http.createServer((req, res) => {
  served++;
  res.end('hello\n');
});
if (host === 'v6only') server.listen({ port, host: '::', ipv6Only: true });
else if (host) server.listen(port, host);
else server.listen(port);
process.on('SIGTERM', () => {
  if (process.env.COUNT_FILE) fs.writeFileSync(process.env.COUNT_FILE, String(served));
  process.exit(0);
});
