// Builds this suite's own copy of the `trtc` bin once per run (see src/CliBin.ts for why not
// packages/cli/bin).
import * as CliBin from "../src/CliBin.js"

export default async function setup() {
  await CliBin.build()
}
