#!/usr/bin/env node
// The package's `paylab` command: `paylab <command> [flags]`. What each command runs is one table
// (paylab-commands.mjs); the entries are TypeScript, so tsx is registered before one is loaded.
// A failure a user can act on prints one message; a stack trace only with PAYLAB_DEBUG=1.
import './node-floor.mjs';
import path from 'node:path';
import process from 'node:process';
import { pathToFileURL } from 'node:url';
import { dispatch, REPO_ROOT } from './paylab-commands.mjs';

const action = dispatch(process.argv.slice(2));
if (action.kind === 'print') {
  (action.stream === 'stdout' ? process.stdout : process.stderr).write(action.text);
  process.exitCode = action.code;
} else {
  const entry = path.join(REPO_ROOT, action.entry);
  // The entry reads its own arguments from process.argv, as under its npm script.
  process.argv = [process.argv[0] ?? 'node', entry, ...action.argv];
  try {
    const { register } = await import('tsx/esm/api');
    register();
    await import(pathToFileURL(entry).href);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`paylab: ${message}\n(set PAYLAB_DEBUG=1 for the stack trace)\n`);
    if (process.env.PAYLAB_DEBUG && error instanceof Error) process.stderr.write(`${error.stack ?? ''}\n`);
    process.exitCode = 1;
  }
}
