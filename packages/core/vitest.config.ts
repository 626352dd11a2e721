import { defineProject } from "vitest/config"
import { workspaceSource } from "../../vitest.shared.js"

export default defineProject({
  ...workspaceSource,
  test: { name: "core", include: ["test/**/*.test.ts"] }
})
