// A copy of packages/archive/test/postgres.ts for the CLI's end-to-end archive tests: the test
// projects compile on their own (rootDir), so one cannot import the other's files.
import { execFileSync, spawnSync } from "node:child_process"
import * as Fs from "node:fs"
import * as Net from "node:net"
import * as Os from "node:os"
import * as Path from "node:path"

export interface Postgres {
  /** `postgres://postgres:<password>@127.0.0.1:<port>/postgres` */
  readonly url: (database?: string) => string
  readonly port: number
  readonly password: string
  /** Creates a fresh database and answers its URL. */
  readonly createDatabase: (name: string) => string
  /** Runs SQL through psql over the socket (trusted). */
  readonly psql: (database: string, sql: string) => string
  readonly stop: () => void
}

const binDir = (): string => {
  const root = "/usr/lib/postgresql"
  const versions = Fs.existsSync(root) ? Fs.readdirSync(root).filter((v) => Fs.existsSync(Path.join(root, v, "bin", "initdb"))) : []
  if (versions.length === 0) throw new Error("PostgreSQL is not installed (no /usr/lib/postgresql/<version>/bin/initdb); .ci/run installs Debian's postgresql")
  versions.sort((a, b) => Number(b) - Number(a))
  return Path.join(root, versions[0]!, "bin")
}

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = Net.createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as Net.AddressInfo
      server.close(() => resolve(port))
    })
  })

export const startPostgres = async (): Promise<Postgres> => {
  const bin = binDir()
  const asRoot = process.getuid?.() === 0
  const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "trtc-archive-pg-"))
  const data = Path.join(dir, "data")
  const password = "pgTestPassw0rd-archive-secret"
  Fs.writeFileSync(Path.join(dir, "pw"), password)
  if (asRoot) execFileSync("chown", ["-R", "postgres:postgres", dir])
  const run = (cmd: string, args: ReadonlyArray<string>) => {
    const full = asRoot ? ["runuser", ["-u", "postgres", "--", Path.join(bin, cmd), ...args]] as const : [Path.join(bin, cmd), args] as const
    const result = spawnSync(full[0], [...full[1]], { encoding: "utf8", cwd: dir })
    if (result.status !== 0) throw new Error(`${cmd} failed (${result.status}): ${result.stderr}${result.stdout}`)
    return result.stdout
  }
  run("initdb", ["-D", data, "-U", "postgres", "--no-sync", "--auth-local=trust", "--auth-host=scram-sha-256", `--pwfile=${Path.join(dir, "pw")}`])
  let port = 0
  for (let attempt = 0; ; attempt++) {
    port = await freePort()
    try {
      run("pg_ctl", ["-D", data, "-l", Path.join(dir, "log"), "-o", `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c max_connections=100`, "-w", "-t", "120", "start"])
      break
    } catch (error) {
      // Another process took the port between the probe and the start: try another.
      if (attempt >= 3) throw error
    }
  }
  const url = (database = "postgres") => `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`
  const psql = (database: string, sql: string) => run("psql", ["-h", dir, "-p", String(port), "-U", "postgres", "-d", database, "-At", "-v", "ON_ERROR_STOP=1", "-c", sql])
  return {
    url,
    port,
    password,
    psql,
    createDatabase: (name) => {
      psql("postgres", `CREATE DATABASE ${name}`)
      return url(name)
    },
    stop: () => {
      try {
        run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"])
      } finally {
        Fs.rmSync(dir, { recursive: true, force: true })
      }
    }
  }
}
