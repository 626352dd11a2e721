// Builds the bundled `trtc` bin once per run (see src/CliBin.ts): the suite spawns it as a real process.
import * as CliBin from "../src/CliBin.js"

export default function setup() {
  CliBin.build()
}
