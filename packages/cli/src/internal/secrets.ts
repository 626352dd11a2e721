/**
 * The secrets this process could leak, gathered from the environment and from credentials once
 * they are loaded, so that the last line of defence (`CliError.scrub`) can cut them out of any
 * text before it is printed.
 */
const loaded = new Set<string>()

/** Remembers a secret value (a secret key or token) to scrub from output. */
export const remember = (secret: string): void => {
  if (secret.length >= 4) loaded.add(secret)
}

/** Every secret known so far: the environment's and any loaded. */
export const knownSecrets = (): ReadonlyArray<string> => {
  const fromEnv = [
    process.env.TENCENTCLOUD_SECRET_KEY,
    process.env.TENCENTCLOUD_SESSION_TOKEN,
    process.env.TENCENTCLOUD_TOKEN
  ].filter((s): s is string => typeof s === "string" && s.trim().length >= 4).map((s) => s.trim())
  return [...fromEnv, ...loaded]
}
