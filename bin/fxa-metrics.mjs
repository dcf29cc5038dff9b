#!/usr/bin/env node
// Entry point for `npx fxa-metrics`: runs the TypeScript CLI through tsx.
import { register } from 'tsx/esm/api';

register();
await import('../scripts/cli.ts');
