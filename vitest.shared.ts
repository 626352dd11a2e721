// Inside the workspace, tests resolve `@effect-trtc/*` to TypeScript sources through the
// package.json export condition `@effect-trtc/source` (published packages point at dist/).
const conditions = ["@effect-trtc/source"]

export const workspaceSource = {
  resolve: { conditions },
  ssr: { resolve: { conditions } }
}
