// OpenTelemetry export for the CLI: when OTEL_EXPORTER_OTLP_ENDPOINT (or
// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set, Effect's spans (one per API call, from core) go
// through @effect/opentelemetry's NodeSdk to the OTLP/HTTP exporter, which reads the standard
// OTEL_EXPORTER_OTLP_* variables itself (endpoint, headers, timeout) and sends JSON. Loaded
// only then, so a run without it pays nothing at start-up.
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { version } from "./version.js"

const set = (value: string | undefined) => value !== undefined && value.trim() !== ""

/** Whether the environment asks for trace export. */
export const enabled = (env: Readonly<Record<string, string | undefined>>): boolean =>
  set(env.OTEL_EXPORTER_OTLP_ENDPOINT) || set(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT)

/**
 * The tracer layer: spans exported over OTLP/HTTP, flushed when the layer closes (the command's
 * end, including a failure or Ctrl-C); nothing when export is not asked for.
 */
export const layer = (env: Readonly<Record<string, string | undefined>>): Layer.Layer<never> =>
  !enabled(env) || env.OTEL_SDK_DISABLED === "true"
    ? Layer.empty
    : Layer.unwrapEffect(Effect.promise(async () => {
        const [NodeSdk, Exporter, Base] = await Promise.all([
          import("@effect/opentelemetry/NodeSdk"),
          import("@opentelemetry/exporter-trace-otlp-http"),
          import("@opentelemetry/sdk-trace-base")
        ])
        // The OTel packages are CommonJS: bundled, their exports may sit under `default`.
        const cjs = <M>(m: M): M => (m as { readonly default?: M }).default ?? m
        const { OTLPTraceExporter } = "OTLPTraceExporter" in Exporter ? Exporter : cjs(Exporter)
        const { BatchSpanProcessor } = "BatchSpanProcessor" in Base ? Base : cjs(Base)
        return NodeSdk.layer(() => ({
          resource: { serviceName: set(env.OTEL_SERVICE_NAME) ? env.OTEL_SERVICE_NAME!.trim() : "trtc", serviceVersion: version },
          spanProcessor: new BatchSpanProcessor(new OTLPTraceExporter())
        }))
      }))
