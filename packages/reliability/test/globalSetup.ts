// Builds the bundled `trtc` bin once per run with the CLI's own helper (@effect-trtc/cli/CliProcess):
// the suite spawns it as a real process. The build installs atomically beside any running one,
// so this suite and the CLI's tests may build at the same time in one working tree.
import * as CliProcess from "@effect-trtc/cli/CliProcess"

export default function setup() {
  CliProcess.build()
}
