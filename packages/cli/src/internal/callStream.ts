import * as TrtcStream from "@effect-trtc/core/TrtcStream"
import type * as Trtc from "@effect-trtc/core/Trtc"
import * as Chunk from "effect/Chunk"
import type * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Queue from "effect/Queue"
import * as Stream from "effect/Stream"
import type * as Take from "effect/Take"
import * as Records from "../Records.js"
import type * as Source from "./source.js"

// `export` streams each call's events to its output in chunks instead of collecting the call
// first: a call of 400,000 events held whole (times --concurrency calls) took 879 MB.

/**
 * Every event of one call, in core's order (by user, first join, then time), as chunks of
 * records: the chunks core's stream makes (a user's events, split in pieces of at most 4096).
 */
export const eventChunks = (
  call: Source.Call,
  concurrency: number,
  failure?: Deferred.Deferred<never, Source.SourceError>
): Stream.Stream<ReadonlyArray<Records.EventRecord>, Source.SourceError, Trtc.Trtc> =>
  TrtcStream.callEvents(call, { minSpanSeconds: 1, concurrency, failure }).pipe(
    Stream.chunks,
    Stream.map((events) => Chunk.toReadonlyArray(Chunk.map(events, (event) => Records.event(event, event, () => event.description))))
  )

/** How many chunks a call fetched ahead of its turn may hold before its fetching waits. */
const chunksAhead = 4

/**
 * Concatenates streams in order while running up to `concurrency` of them ahead of their turn:
 * many small calls still overlap their requests, and memory stays bounded by `concurrency`
 * streams of `chunksAhead` chunks each however large a call is (a stream ahead of its turn
 * waits once its queue is full, and only the one whose turn it is drains).
 */
export const concatPrefetched = <A, E, R>(
  streams: Stream.Stream<Stream.Stream<A, E, R>, E, R>,
  concurrency: number
): Stream.Stream<A, E, R> =>
  Stream.unwrapScoped(Effect.gen(function*() {
    // A permit per stream being fetched: the next one starts when an earlier one has all of its
    // elements queued (or consumed).
    const permits = yield* Effect.makeSemaphore(Math.max(1, concurrency))
    const scope = yield* Effect.scope
    return streams.pipe(
      Stream.mapEffect((stream) =>
        Effect.gen(function*() {
          yield* permits.take(1)
          const queue = yield* Queue.bounded<Take.Take<A, E>>(chunksAhead)
          // Forked in the whole stream's scope: interrupted when the export ends or fails.
          yield* Stream.runIntoQueue(stream, queue).pipe(Effect.ensuring(permits.release(1)), Effect.forkIn(scope))
          return Stream.flattenTake(Stream.fromQueue(queue))
        })),
      // Lets `mapEffect` start the next streams while the current one is being consumed.
      Stream.buffer({ capacity: Math.max(1, concurrency) }),
      Stream.flatten()
    )
  }))
