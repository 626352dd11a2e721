export * as Models from "./Models.js"
