-- wrk script: the rental form login POST /auth/token (bench/run_login.sh passes the credentials).
--   BENCH_USER=admin BENCH_PASSWORD=admin wrk -t1 -c8 -d10s --latency -s bench/wrk/login.lua http://127.0.0.1:8000
-- Counts answers by status: a login is a 200; a 429 is auth's hashing pool refusing at once
-- (Retry-After), so "logins/s" counts the 200s only.

local function urlencode(text)
  return (text:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

local user = os.getenv("BENCH_USER")
local password = os.getenv("BENCH_PASSWORD")
if user == nil or user == "" or password == nil then
  io.stderr:write("login.lua: set BENCH_USER and BENCH_PASSWORD\n")
  os.exit(2)
end

wrk.method = "POST"
wrk.path = "/auth/token"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Accept"] = "application/json"
wrk.body = "username=" .. urlencode(user) .. "&password=" .. urlencode(password)

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
  local seconds = summary.duration / 1e6
  io.write(string.format("logins/s %.1f (200s only), refused/s %.1f (429)\n",
    (totals[200] or 0) / seconds, (totals[429] or 0) / seconds))
  io.write(string.format("latency ms: p50 %.2f  p90 %.2f  p99 %.2f  max %.2f\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
  io.write(string.format("requests/s %.1f, errors: connect %d read %d write %d timeout %d status %d\n",
    summary.requests / seconds, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.timeout, summary.errors.status))
end
