-- The load of one `make bench` run (benchmarks/load.py starts wrk with it).
--
-- Every connection sends one kind of request until the window ends, the same moment for
-- every thread, and then sends nothing more. When a thread has had the response to every
-- request it sent, it creates the file BENCH_DONE .. its index, and load.py stops wrk
-- (SIGINT): nothing is cut off half-way, so the submissions acknowledged can be compared
-- with the rows stored. Throughput counts from the first request to the last response,
-- and every response's status is counted.
--
-- One end for all threads matters: gunicorn's sync workers each block on the next
-- connection they accept until it sends a request. Connections that wrk opens after the
-- window stay silent, so if one thread stopped early, its silent connections could hold
-- both workers while the other thread's last requests wait behind them.
--
-- Environment:
--   BENCH_WINDOW   seconds to keep sending
--   BENCH_DONE     the path prefix of the files that say a thread has finished
--   BENCH_METHOD   GET (the default) or POST
--   BENCH_BODY     the body of every request (a fixed POST)
--   BENCH_BODIES   a file of POST bodies, one per line, each to be sent once (survey
--                  submissions carry single-use tokens): thread i of n gets lines
--                  i, i + n, i + 2n, ... so no two threads share one
--   BENCH_THREADS  n, wrk's --threads, when BENCH_BODIES is given
--
-- done() prints one line, "BENCH_RESULT" and a JSON object, for load.py to read.

local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clock_id, bench_timespec *now);
]]
local CLOCK_MONOTONIC = 1
local timespec = ffi.new("bench_timespec")

local function now()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, timespec)
  return tonumber(timespec.tv_sec) + tonumber(timespec.tv_nsec) / 1e9
end

local NEVER = 3600 * 1000 -- milliseconds: longer than any run

-- In the main Lua state: every thread (for done()), and what setup() hands each.
local threads = {}
local window_end
local slices

local function read_slices(path, count)
  local read, line_number = {}, 0
  for index = 1, count do
    read[index] = {}
  end
  for line in io.lines(path) do
    table.insert(read[line_number % count + 1], line)
    line_number = line_number + 1
  end
  return read
end

function setup(thread)
  if not window_end then
    local path = os.getenv("BENCH_BODIES")
    if path then
      slices = read_slices(path, tonumber(os.getenv("BENCH_THREADS")))
    end
    window_end = now() + tonumber(os.getenv("BENCH_WINDOW"))
  end
  table.insert(threads, thread)
  thread:set("thread_index", #threads - 1)
  thread:set("stop_at", window_end)
  if slices then
    thread:set("bodies", slices[#threads])
  end
end

-- In each thread's own Lua state. Globals are what setup() set and done() reads.
local fixed_request
-- Each body's whole request, made before the run (as the fixed request is), so that
-- making requests costs wrk no more CPU during a run of submissions than of a floor.
local body_requests
local next_body = 1
-- wrk calls request() once before the run to inspect it; that request is not sent.
-- Every request sent follows a call to delay() that returned 0.
local running = false
local pending = 0 -- delay() said go, request() not called yet
local finished = false
sent = 0
responses = 0
statuses = {}
first_request = nil
last_response = nil
exhausted = false

function init(args)
  wrk.method = os.getenv("BENCH_METHOD") or "GET"
  if wrk.method == "POST" then
    wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  end
  if bodies then
    body_requests = {}
    for index, body in ipairs(bodies) do
      body_requests[index] = wrk.format(nil, nil, nil, body)
    end
  else
    wrk.body = os.getenv("BENCH_BODY")
    fixed_request = wrk.format()
  end
end

local function may_send()
  if body_requests and next_body + pending > #body_requests then
    exhausted = true
  end
  return now() < stop_at and not exhausted
end

-- Once nothing more will be sent and every response is in, say so (once).
local function finish_when_answered()
  if finished or pending > 0 or responses < sent or may_send() then
    return
  end
  finished = true
  io.open(os.getenv("BENCH_DONE") .. thread_index, "w"):close()
end

function delay()
  running = true
  if may_send() then
    pending = pending + 1
    return 0
  end
  finish_when_answered()
  return NEVER
end

function request()
  if not running then
    return fixed_request or wrk.format()
  end
  pending = pending - 1
  first_request = first_request or now()
  sent = sent + 1
  if fixed_request then
    return fixed_request
  end
  next_body = next_body + 1
  return body_requests[next_body - 1]
end

function response(status, headers, body)
  last_response = now()
  responses = responses + 1
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
  finish_when_answered()
end

local function sum(name)
  local total = 0
  for _, thread in ipairs(threads) do
    total = total + thread:get(name)
  end
  return total
end

local function statuses_json()
  local totals = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      totals[status] = (totals[status] or 0) + count
    end
  end
  local parts = {}
  for status, count in pairs(totals) do
    table.insert(parts, string.format('"%s": %d', status, count))
  end
  return "{" .. table.concat(parts, ", ") .. "}"
end

-- Seconds from the first request sent to the last response, over every thread.
local function span()
  local first, last
  for _, thread in ipairs(threads) do
    local started, ended = thread:get("first_request"), thread:get("last_response")
    if started and (not first or started < first) then
      first = started
    end
    if ended and (not last or ended > last) then
      last = ended
    end
  end
  return first and last and (last - first) or 0
end

local function any_exhausted()
  for _, thread in ipairs(threads) do
    if thread:get("exhausted") then
      return true
    end
  end
  return false
end

function done(summary, latency, requests)
  local errors = summary.errors
  print(string.format(
    'BENCH_RESULT {"sent": %d, "responses": %d, "seconds": %.6f, "statuses": %s, '
      .. '"p50_ms": %.3f, "p95_ms": %.3f, "p99_ms": %.3f, "socket_errors": %d, '
      .. '"bodies_ran_out": %s}',
    sum("sent"), sum("responses"), span(), statuses_json(),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000,
    errors.connect + errors.read + errors.write + errors.timeout,
    tostring(any_exhausted())
  ))
end
