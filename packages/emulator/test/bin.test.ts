import { assert, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import type * as Emulator from "../src/Emulator.js"
import { call, codeOf, raw } from "./support.js"

const bin = fileURLToPath(new URL("../bin/trtc-emulator.mjs", import.meta.url))

it.effect("trtc-emulator prints its URL, serves signed requests with the given credentials and stops cleanly on SIGTERM", () =>
  Effect.promise(async () => {
    const child = spawn(process.execPath, [bin, "--port", "0", "--seed", "5", "--rps", "0", "--credentials", "AKIDBIN:binKey"], { stdio: ["ignore", "pipe", "pipe"] })
    const url = await new Promise<string>((resolve, reject) => {
      let text = ""
      child.stdout.on("data", (chunk: Buffer) => {
        text += chunk.toString("utf8")
        const match = /^listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(text)
        if (match !== null) resolve(match[1]!)
      })
      child.on("exit", (code) => reject(new Error(`exited early with ${code}`)))
    })
    const port = Number(new URL(url).port)
    const instance = {
      url,
      port,
      credential: { secretId: "AKIDBIN", secretKey: Redacted.make("binKey"), token: Option.none() }
    } as unknown as Emulator.Instance
    const now = Math.floor(Date.now() / 1000)
    const reply = await call(instance, { SdkAppId: 1400000001, StartTime: now - 3600, EndTime: now })
    assert.isUndefined(codeOf(reply))
    assert.strictEqual(codeOf(await call(instance, { SdkAppId: 1400000001, StartTime: now - 3600, EndTime: now }, { secretKey: "other" })), "AuthFailure.SignatureFailure")
    const exit = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)))
    child.kill("SIGTERM")
    assert.strictEqual(await exit, 0)
  }))

it.effect("trtc-emulator refuses bad flags with exit code 2", () =>
  Effect.promise(async () => {
    const child = spawn(process.execPath, [bin, "--retention-days", "9"], { stdio: ["ignore", "pipe", "pipe"] })
    let stderr = ""
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")))
    const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)))
    assert.strictEqual(code, 2)
    assert.include(stderr, "--retention-days must be 7 or 14")
  }))

it.effect("trtc-emulator sizes the generated data set with the scale flags", () =>
  Effect.promise(async () => {
    const child = spawn(process.execPath, [bin, "--port", "0", "--apps", "2", "--rooms-per-app", "3", "--users-per-room", "2-3", "--events-per-hour", "5", "--lazy"], { stdio: ["ignore", "pipe", "pipe"] })
    let stderr = ""
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")))
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (chunk: Buffer) => {
        if (chunk.toString("utf8").includes("listening on")) resolve()
      })
      child.on("exit", (code) => reject(new Error(`exited early with ${code}: ${stderr}`)))
    })
    const exit = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)))
    while (!stderr.includes("\n")) await new Promise((resolve) => setTimeout(resolve, 20))
    assert.include(stderr, "SdkAppId 1400000001, 1400000002 (6 calls")
    child.kill("SIGTERM")
    assert.strictEqual(await exit, 0)
  }))

it.effect("trtc-emulator refuses a bad scale flag with exit code 2", () =>
  Effect.promise(async () => {
    const child = spawn(process.execPath, [bin, "--users-per-room", "5-2"], { stdio: ["ignore", "pipe", "pipe"] })
    let stderr = ""
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")))
    const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)))
    assert.strictEqual(code, 2)
    assert.include(stderr, "--users-per-room must be N or MIN-MAX")
  }))

it.effect("trtc-emulator --progressive makes the answers follow the clock (GET /_admin/clock says so)", () =>
  Effect.promise(async () => {
    const child = spawn(process.execPath, [bin, "--port", "0", "--rooms-per-app", "3", "--progressive"], { stdio: ["ignore", "pipe", "pipe"] })
    const url = await new Promise<string>((resolve, reject) => {
      let text = ""
      child.stdout.on("data", (chunk: Buffer) => {
        text += chunk.toString("utf8")
        const match = /^listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(text)
        if (match !== null) resolve(match[1]!)
      })
      child.on("exit", (code) => reject(new Error(`exited early with ${code}`)))
    })
    const view = JSON.parse((await raw(url, "GET", "/_admin/clock", {}, "")).text) as { progressive: boolean }
    // The last generated call runs on after the start instead of being cut at it.
    const dataSet = JSON.parse((await raw(url, "GET", "/_admin/dataset", {}, "")).text) as Emulator.DataSet
    const exit = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)))
    child.kill("SIGTERM")
    assert.isTrue(view.progressive)
    assert.isTrue(dataSet.apps[0]!.rooms.some((room) => room.destroyTime > dataSet.anchor && room.isFinished))
    assert.strictEqual(await exit, 0)
  }))
