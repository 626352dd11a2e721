import { defineProject } from "vitest/config"

export default defineProject({
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
