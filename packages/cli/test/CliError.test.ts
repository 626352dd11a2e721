import { assert, describe, it } from "@effect/vitest"
import * as CliError from "../src/CliError.js"

describe("CliError.render", () => {
  it("renders an API error on one line with code, message, RequestId and hint", () => {
    const r = CliError.render({
      _tag: "AuthFailure",
      code: "AuthFailure.SignatureExpire",
      apiMessage: "The signature is expired,\nplease request again.",
      requestId: "req-1",
      action: "DescribeUserEvent"
    })
    assert.strictEqual(r.exitCode, 3)
    assert.notInclude(r.line, "\n")
    assert.include(r.line, "AuthFailure.SignatureExpire")
    assert.include(r.line, "RequestId req-1")
    assert.include(r.line, "clock")
  })

  it("maps families to exit codes", () => {
    assert.strictEqual(CliError.render({ _tag: "InvalidParameter", code: "InvalidParameter.StartTsOversize" }).exitCode, 1)
    assert.strictEqual(CliError.render({ _tag: "UnauthorizedOperation", code: "UnauthorizedOperation" }).exitCode, 3)
    assert.strictEqual(CliError.render({ _tag: "CredentialsError", source: "env", problem: "no key", fix: "set it" }).exitCode, 3)
    assert.strictEqual(CliError.render(new CliError.UsageError({ problem: "bad" })).exitCode, 2)
    assert.strictEqual(CliError.render({ _tag: "TransportError", action: "DescribeRoomInfo", reason: "ECONNREFUSED" }).exitCode, 1)
    assert.strictEqual(CliError.render(new Error("boom")).exitCode, 1)
  })

  it("hints at retention for StartTsOversize", () => {
    const r = CliError.render({ _tag: "InvalidParameter", code: "InvalidParameter.StartTsOversize", apiMessage: "x" })
    assert.include(r.line, "retention")
  })

  it("never prints a stack or a secret", () => {
    const error = new Error("failed with key s3cr3tKEYvalue\n    at foo (bar.js:1:1)")
    const r = CliError.render(error, ["s3cr3tKEYvalue"])
    assert.notInclude(r.line, "s3cr3tKEYvalue")
    assert.notInclude(r.line, "\n")
    assert.include(r.line, "<redacted>")
  })
})
