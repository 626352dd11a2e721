#!/usr/bin/env node
// The emulator's command: the built entry point (`pnpm build` in the workspace writes dist/).
await import("../dist/src/bin.js")
