import { defineProject } from "vitest/config"
import { workspaceSource } from "../../vitest.shared.js"

export default defineProject({
  ...workspaceSource,
  test: { name: "signer", include: ["test/**/*.test.ts"] }
})
