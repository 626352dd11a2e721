/**
 * A throwaway PostgreSQL server for `pnpm bench archive`: initdb into a temporary directory,
 * 127.0.0.1 on a free port, fsync off, stopped and deleted by `stop`. (The same steps as
 * packages/archive/test/postgres.ts; bench/ compiles on its own, so it cannot import a test file.)
 */
import { execFileSync, spawnSync } from "node:child_process"
import * as Fs from "node:fs"
import * as Net from "node:net"
import * as Os from "node:os"
import * as Path from "node:path"

/** A free TCP port on 127.0.0.1 (for the servers the benchmarks start). */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = Net.createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as Net.AddressInfo
      server.close(() => resolve(port))
    })
  })

/** Starts a server; answers a URL maker (one database per name) and `stop`. */
export const startPostgres = async (): Promise<{ readonly createDatabase: (name: string) => string; readonly stop: () => void }> => {
  const root = "/usr/lib/postgresql"
  const version = Fs.readdirSync(root).filter((v) => Fs.existsSync(Path.join(root, v, "bin", "initdb"))).sort((a, b) => Number(b) - Number(a))[0]
  if (version === undefined) throw new Error("PostgreSQL is not installed (no /usr/lib/postgresql/<version>/bin/initdb)")
  const bin = Path.join(root, version, "bin")
  const asRoot = process.getuid?.() === 0
  const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "trtc-bench-pg-"))
  if (asRoot) execFileSync("chown", ["-R", "postgres:postgres", dir])
  const run = (cmd: string, args: ReadonlyArray<string>) => {
    const [file, argv] = asRoot ? ["runuser", ["-u", "postgres", "--", Path.join(bin, cmd), ...args]] : [Path.join(bin, cmd), [...args]]
    const result = spawnSync(file, argv, { encoding: "utf8", cwd: dir })
    if (result.status !== 0) throw new Error(`${cmd} failed: ${result.stderr}${result.stdout}`)
  }
  run("initdb", ["-D", Path.join(dir, "data"), "-U", "postgres", "-A", "trust", "--no-sync"])
  const port = await freePort()
  run("pg_ctl", ["-D", Path.join(dir, "data"), "-l", Path.join(dir, "log"), "-o", `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off`, "-w", "start"])
  return {
    createDatabase: (name) => {
      run("psql", ["-h", dir, "-p", String(port), "-U", "postgres", "-d", "postgres", "-c", `CREATE DATABASE ${name}`])
      return `postgres://postgres@127.0.0.1:${port}/${name}`
    },
    stop: () => {
      try {
        run("pg_ctl", ["-D", Path.join(dir, "data"), "-m", "immediate", "-w", "stop"])
      } finally {
        Fs.rmSync(dir, { recursive: true, force: true })
      }
    }
  }
}
