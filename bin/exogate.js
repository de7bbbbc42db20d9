#!/usr/bin/env node
// Thin launcher: the CLI is TypeScript compiled to dist/ by `npm ci` (the prepare script).
import('../dist/scripts/exogate.js');
