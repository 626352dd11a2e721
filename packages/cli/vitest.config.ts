import { defineProject } from "vitest/config"
import { workspaceSource } from "../../vitest.shared.js"

export default defineProject({
  ...workspaceSource,
  test: {
    name: "cli",
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/globalSetup.ts"],
    // The end-to-end files run their cases side by side (each is a separate process).
    maxConcurrency: 16,
    testTimeout: 60_000,
    hookTimeout: 60_000
  }
})
