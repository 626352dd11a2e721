import { defineProject } from "vitest/config"
import { workspaceSource } from "../../vitest.shared.js"

export default defineProject({
  ...workspaceSource,
  test: {
    name: "redis",
    include: ["test/**/*.test.ts"],
    // Integration tests talk HTTP to emulators on a 2-core CI machine shared with other jobs:
    // vitest's 5 s default fails them under load, not because they are wrong.
    testTimeout: 60_000,
    hookTimeout: 60_000
  }
})
