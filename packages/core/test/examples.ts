import type * as Emulator from "@effect-trtc/emulator/Emulator"
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import type { Trtc } from "../src/Trtc.js"
import type * as TrtcStream from "../src/TrtcStream.js"

// The examples live outside this package (root `examples/`, typechecked by its own tsconfig);
// they are loaded by URL so this project does not compile them a second time. What the tests
// use of each is typed here.

/** Loads `examples/<name>.ts`. */
export const load = <A>(name: string) => Effect.promise(() => import(new URL(`../../../examples/${name}.ts`, import.meta.url).href) as Promise<A>)

/** `examples/why-join-failed.ts`: a diagnosis of one user in one call. */
export interface Diagnosis {
  readonly commId: string | undefined
  readonly joined: boolean
  readonly attempts: number
  readonly failedAttempts: number
  readonly failures: ReadonlyArray<string>
  readonly verdict: string
}

/** Who `pickFailedJoin` picked. */
export interface JoinQuery { readonly sdkAppId: number; readonly roomId: string; readonly userId: string }

/** `examples/why-join-failed.ts`. */
export interface WhyJoinFailed {
  readonly JoinDiagnostics: Effect.Effect<{
    readonly explain: (q: JoinQuery & { period: TrtcStream.Period }) => Effect.Effect<ReadonlyArray<Diagnosis>, unknown>
  }, never, never> & { readonly layer: Layer.Layer<never, never, Trtc> }
  readonly diagnose: (roomId: string, userId: string, commId: string | undefined, events: ReadonlyArray<TrtcStream.Event>) => Diagnosis
  readonly emulatorTrtc: (emulator: Emulator.Instance) => Layer.Layer<Trtc>
  readonly pickFailedJoin: (dataSet: Emulator.DataSet, period: TrtcStream.Period) => JoinQuery | undefined
}

/** One row of `examples/failures-per-room-hour.ts`. */
export interface Row { readonly roomId: string; readonly hour: string; readonly failures: number }

/** `examples/failures-per-room-hour.ts`. */
export interface FailuresPerRoomHour {
  readonly countFailures: (sdkAppId: number, period: TrtcStream.Period) => Effect.Effect<Array<Row>, unknown, Trtc>
  readonly toCsv: (rows: ReadonlyArray<Row>) => string
  readonly emulatorTrtc: (emulator: Emulator.Instance) => Layer.Layer<Trtc>
}

/** The data set the examples' own emulator generates (`Emulator.make({ seed: 5 })`), less the anchor. */
export const examplesData = { seed: 5, roomsPerApp: 24 } as const
