#!/usr/bin/env node
// The package's `paylab` command: the lab CLI is TypeScript, so tsx is registered first.
import './node-floor.mjs';
import { register } from 'tsx/esm/api';

register();
await import('../system/lab/cli.ts');
