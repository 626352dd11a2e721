/**
 * The shared sliding window, one sorted set per (account, action), run atomically in Redis.
 *
 * A member is one use; its score is when the use ended (Redis's clock, ms with µs precision) or,
 * while the use runs, `now + lease`, so that a worker killed mid-request frees its slot on its
 * own. A use counts until a full window after its score, as in core's in-process limiter: the
 * API counts a request when it arrives, somewhere between our start and the response, so a
 * new start a window after the earlier response can never land in the same server window.
 * Every worker reads Redis's clock (`TIME`), never its own: the workers' clocks may disagree.
 * Scores go to Redis as `%.3f` strings: Lua's own number-to-string keeps 14 digits, which for a
 * Unix time in ms leaves only a tenth of a millisecond and rounds either way.
 *
 * @internal
 */

/**
 * KEYS[1] the window; ARGV: limit, window ms, lease ms, member, hold (`1`: the use is pending
 * until released; `0`: it counts from now, released at once).
 * Returns 0 when the use was recorded, else the milliseconds to wait before asking
 * again: until the oldest use leaves the window, or a whole window when the oldest is still
 * running (it cannot free its slot sooner than a window after it ends).
 */
export const acquireLua = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local lease = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', string.format('%.3f', now - window))
if redis.call('ZCARD', KEYS[1]) < limit then
  local score = now + lease
  if ARGV[5] == '0' then score = now end
  redis.call('ZADD', KEYS[1], string.format('%.3f', score), ARGV[4])
  redis.call('PEXPIRE', KEYS[1], math.ceil(lease + window))
  return 0
end
local oldest = tonumber(redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2])
if oldest > now then return math.ceil(window) end
return math.max(1, math.ceil(oldest + window - now))
`

/**
 * KEYS[1] the window; ARGV: window ms, member. Marks the use as ended now (Redis's clock); a
 * member already gone (Redis restarted, lease expired) is not brought back.
 */
export const releaseLua = `
if redis.call('ZSCORE', KEYS[1], ARGV[2]) then
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
  redis.call('ZADD', KEYS[1], 'XX', string.format('%.3f', now), ARGV[2])
  local newest = tonumber(redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')[2])
  redis.call('PEXPIRE', KEYS[1], math.ceil(math.max(newest, now) - now + tonumber(ARGV[1])))
end
return 0
`
