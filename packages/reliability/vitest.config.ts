import { defineProject } from "vitest/config"

export default defineProject({
  test: {
    name: "reliability",
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/globalSetup.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000
  }
})
