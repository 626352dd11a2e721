// Builds the bundled `trtc` once per test run: the end-to-end tests spawn it as a real process.
import * as CliProcess from "../src/CliProcess.js"

export default function setup() {
  CliProcess.build()
}
