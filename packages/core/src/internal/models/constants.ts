/**
 * The facts of the TRTC Call Quality Monitoring API that are not one action's: the one home of
 * each (the action declarations in `internal/actions/` hold the per-action ones). `Models`,
 * `Windows`, `Paginate`, `RateLimiter` and the CLI read them from here; the emulator keeps its
 * own copies on purpose, as the independent check of this client.
 *
 * @internal
 */

/** @internal */
export const version = "2019-07-22"

/** @internal */
export const service = "trtc"

/** @internal */
export const regions = ["ap-beijing", "ap-guangzhou", "ap-mumbai", "ap-singapore", "na-toronto"] as const

/** @internal */
export const defaultEndpoint = "trtc.tencentcloudapi.com"

/** @internal */
export const internationalEndpoint = "trtc.intl.tencentcloudapi.com"

/** @internal */
export const endpointRegions = [
  "ap-guangzhou",
  "ap-shanghai",
  "ap-nanjing",
  "ap-beijing",
  "ap-chengdu",
  "ap-chongqing",
  "ap-hongkong",
  "ap-singapore",
  "ap-jakarta",
  "ap-bangkok",
  "ap-seoul",
  "ap-tokyo",
  "na-ashburn",
  "na-siliconvalley",
  "sa-saopaulo",
  "eu-frankfurt"
] as const

/** The documented request rate limit of each action, per second (reference §4). @internal */
export const requestsPerSecond = 20

/** Days of data the API keeps on the standard plan (7 on the smaller paid plans). @internal */
export const retentionDays = 14

/** The largest `PageSize` any action accepts. @internal */
export const maxPageSize = 100

/** The largest `PageSize` (and `UserIds` length) of `DescribeCallDetailInfo` with `DataType`. @internal */
export const maxPageSizeWithDataType = 6

/** The largest `UserIds` length. @internal */
export const maxUserIds = 100

/** @internal */
export const dataTypes = [
  "all",
  "appCpu",
  "sysCpu",
  "aBit",
  "aBlock",
  "bigvBit",
  "bigvCapFps",
  "bigvEncFps",
  "bigvDecFps",
  "bigvBlock",
  "aLoss",
  "bigvLoss",
  "bigvWidth",
  "bigvHeight",
  "aCapEnergy",
  "aPlayEnergy",
  "rtt",
  "bigvRecFps"
] as const
