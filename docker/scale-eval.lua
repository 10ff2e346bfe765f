-- wrk workload for docker/scale-test.sh: POST /eval of 256 numbers (sigmoid),
-- counting every answer that is not 2xx or lacks "y" -- wrk itself counts
-- only >= 400 and socket errors. done() prints one machine-readable line.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  non2xx = 0
  badbody = 0
  local xs = {}
  for i = 0, 255 do
    xs[#xs + 1] = string.format("%.3f", -8 + i * 16 / 255)
  end
  wrk.method = "POST"
  wrk.path = "/eval"
  wrk.headers["Content-Type"] = "application/json"
  wrk.body = '{"activation":"sigmoid","x":[' .. table.concat(xs, ",") .. ']}'
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  elseif not string.find(body, '"y"', 1, true) then
    badbody = badbody + 1
  end
end

function done(summary, latency, requests)
  local n, b = 0, 0
  for _, t in ipairs(threads) do
    n = n + t:get("non2xx")
    b = b + t:get("badbody")
  end
  local e = summary.errors
  io.write(string.format(
    "WRK requests=%d seconds=%.2f rps=%.1f non2xx=%d badbody=%d connect=%d read=%d write=%d timeout=%d p50_ms=%.2f p99_ms=%.2f max_ms=%.2f\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    n, b, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
