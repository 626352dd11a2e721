/**
 * The environment for a child that runs built JavaScript with plain node (the packaged
 * `trtc-emulator`): `pnpm bench` sets `NODE_OPTIONS=--conditions=@effect-trtc/source` so that
 * tsx loads the workspace from its sources, and a plain-node child inheriting it would resolve
 * `@effect-trtc/*` to `.ts` files it cannot load.
 */
export const plainNodeEnv = (): NodeJS.ProcessEnv => {
  const options = (process.env["NODE_OPTIONS"] ?? "")
    .split(/\s+/)
    .filter((flag) => flag !== "" && flag !== "--conditions=@effect-trtc/source")
    .join(" ")
  return { ...process.env, NODE_OPTIONS: options }
}
