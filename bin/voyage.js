#!/usr/bin/env node
// The built CLI (npm run build). During development: npx tsx src/main.ts
import '../dist/src/main.js';
