-- wrk script: authenticated GET /device/all (bench/run_wrk.sh fetches the token).
--   BENCH_TOKEN=<access token> wrk -t2 -c64 -d30s --latency -s bench/wrk/device_all.lua http://127.0.0.1:8000
-- Counts answers by status, so a run of 401s or 404s cannot pass for a fast endpoint.

local token = os.getenv("BENCH_TOKEN")
if token == nil or token == "" then
  io.stderr:write("device_all.lua: set BENCH_TOKEN to an access token\n")
  os.exit(2)
end

wrk.method = "GET"
wrk.path = os.getenv("BENCH_PATH") or "/device/all"
wrk.headers["Authorization"] = "Bearer " .. token
wrk.headers["Accept"] = "application/json"

-- wrk runs one Lua state per thread; each keeps its own counts and done() reads them all.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local totals = {}
  for _, thread in ipairs(threads) do
    local counts = thread:get("statuses")
    for status, n in pairs(counts) do
      totals[status] = (totals[status] or 0) + n
    end
  end
  io.write("status counts:")
  for status, n in pairs(totals) do
    io.write(string.format(" %d=%d", status, n))
  end
  io.write("\n")
  io.write(string.format("latency ms: p50 %.2f  p90 %.2f  p99 %.2f  max %.2f\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
  io.write(string.format("requests/s %.0f, errors: connect %d read %d write %d timeout %d status %d\n",
    summary.requests / (summary.duration / 1e6), summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.timeout, summary.errors.status))
end
