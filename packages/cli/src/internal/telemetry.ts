// OpenTelemetry export for the CLI: when OTEL_EXPORTER_OTLP_ENDPOINT (or
// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set, Effect's spans (one per API call, from core) go
// through @effect/opentelemetry's NodeSdk to the OTLP/HTTP exporter, which reads the standard
// OTEL_EXPORTER_OTLP_* variables itself (endpoint, headers, timeout) and sends JSON. Loaded
// only then, so a run without it pays nothing at start-up.
import * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { version } from "./version.js"

/** An environment setting through the current `ConfigProvider`; unset, blank or unreadable is undefined. */
const setting = (name: string): Effect.Effect<string | undefined> =>
  Effect.orElseSucceed(
    Effect.map(Config.string(name).pipe(Config.withDefault("")), (value) => value.trim() === "" ? undefined : value.trim()),
    () => undefined
  )

/** Whether the environment (the current `ConfigProvider`) asks for trace export. */
export const enabled: Effect.Effect<boolean> = Effect.map(
  Effect.zip(setting("OTEL_EXPORTER_OTLP_ENDPOINT"), setting("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")),
  ([endpoint, traces]) => endpoint !== undefined || traces !== undefined
)

/**
 * The tracer layer: spans exported over OTLP/HTTP, flushed when the layer closes (the command's
 * end, including a failure or Ctrl-C); nothing when export is not asked for.
 */
export const layer: Layer.Layer<never> = Layer.unwrapEffect(Effect.gen(function*() {
  const disabled = (yield* setting("OTEL_SDK_DISABLED")) === "true"
  if (!(yield* enabled) || disabled) return Layer.empty
  const serviceName = (yield* setting("OTEL_SERVICE_NAME")) ?? "trtc"
  const [NodeSdk, Exporter, Base] = yield* Effect.promise(() =>
    Promise.all([
      import("@effect/opentelemetry/NodeSdk"),
      import("@opentelemetry/exporter-trace-otlp-http"),
      import("@opentelemetry/sdk-trace-base")
    ]))
  // The OTel packages are CommonJS: bundled, their exports may sit under `default`.
  const cjs = <M>(m: M): M => (m as { readonly default?: M }).default ?? m
  const { OTLPTraceExporter } = "OTLPTraceExporter" in Exporter ? Exporter : cjs(Exporter)
  const { BatchSpanProcessor } = "BatchSpanProcessor" in Base ? Base : cjs(Base)
  // The exporter reads the standard OTEL_EXPORTER_OTLP_* variables (endpoint, headers, timeout) itself.
  return NodeSdk.layer(() => ({
    resource: { serviceName, serviceVersion: version },
    spanProcessor: new BatchSpanProcessor(new OTLPTraceExporter())
  }))
}))
