import { defineProject } from "vitest/config"
import { workspaceSource } from "../../vitest.shared.js"

export default defineProject({
  ...workspaceSource,
  test: { name: "emulator", include: ["test/**/*.test.ts"] }
})
