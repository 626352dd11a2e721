import { defineProject } from "vitest/config"
import { workspaceSource } from "../../vitest.shared.js"

export default defineProject({
  ...workspaceSource,
  test: {
    name: "reliability",
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/globalSetup.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000
  }
})
