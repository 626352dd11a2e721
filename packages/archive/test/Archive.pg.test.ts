import { afterAll, beforeAll } from "vitest"
import { type Postgres, startPostgres } from "./postgres.js"
import { archiveSuite } from "./suite.js"

let pg: Postgres
let n = 0
beforeAll(async () => {
  pg = await startPostgres()
})
afterAll(() => pg?.stop())

archiveSuite({ name: "pg", fresh: () => pg.createDatabase(`archive_${++n}`) })
