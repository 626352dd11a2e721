// Flags shared by several commands, defined once so that their names and descriptions agree
// across `trtc events`, `rooms`, `users` and `export`.
import * as Options from "@effect/cli/Options"
import { integer } from "./globals.js"

/** `--sdk-app-id`: the application. */
export const sdkAppId = integer("sdk-app-id").pipe(Options.withDescription("the application's SdkAppId"))

/** `--comm-id`: one call. */
export const commId = Options.text("comm-id").pipe(Options.withDescription("the call id (CommId, from `trtc rooms`)"))

/** `--room-id`: one room. */
export const roomId = Options.text("room-id").pipe(Options.withDescription("the room id"))

/** `--user-id`: one user. */
export const userId = Options.text("user-id").pipe(Options.withDescription("the user id"))

/** `--start`: the start of a period, optional. */
export const start = Options.text("start").pipe(
  Options.withDescription("start: epoch seconds, ISO 8601, or relative (30m, 2h, 14d ago)"),
  Options.optional
)

/** `--end`: the end of a period, optional. */
export const end = Options.text("end").pipe(
  Options.withDescription("end: epoch seconds, ISO 8601, or relative (default now)"),
  Options.optional
)

/** `--since`: a period ending now or at `--end`, optional. */
export const since = Options.text("since").pipe(
  Options.withDescription("a period ending now (or at --end), e.g. 2h, 14d"),
  Options.optional
)
