/**
 * `npm run bench` runs this. As in bin/sluice.js, the AWS SDK's notice about its future Node 22 floor is turned
 * off, and that must happen before anything loads the SDK (snowflake-sdk builds an STS client as it loads), so
 * the bench itself is loaded only afterwards.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

import('./main')
  .then(({ main }) => main(process.argv.slice(2)))
  .then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`bench: ${(err as Error).stack ?? String(err)}\n`);
      process.exit(1);
    },
  );
