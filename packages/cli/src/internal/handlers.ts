import * as Effect from "effect/Effect"
import { RuntimeError } from "../CliError.js"

const todo = (_: unknown) => Effect.fail(new RuntimeError({ problem: "not implemented yet" }))

export const events = todo
export const rooms = todo
export const users = todo
export const exportEvents = todo
export const emulator = todo
export const demo = todo
