#!/usr/bin/env node
'use strict';
// The CLI is compiled by `npm install` (the prepare script); say so instead of a stack trace if it was skipped.
// Node 20 is supported here; the AWS SDK's notice about its future Node 22 floor is noise on every command.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const path = require('node:path');
const fs = require('node:fs');
const entry = path.join(__dirname, '..', 'dist', 'cli', 'main.js');
if (!fs.existsSync(entry)) {
  console.error('sluice: the CLI is not built yet; run `npm install` (or `npm run build`) in ' + path.join(__dirname, '..'));
  process.exit(2);
}
if (process.argv[2] === 'worker') {
  // The worker runs with its heap limit (SLUICE_WORKER_HEAP_LIMIT); decided before the CLI's modules load.
  require(path.join(__dirname, '..', 'dist', 'worker', 'heap-limit.js'))
    .runWithHeapLimit()
    .then((code) => (code === undefined ? require(entry).main(process.argv.slice(2)) : process.exit(code)));
} else {
  require(entry).main(process.argv.slice(2));
}
