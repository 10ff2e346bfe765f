-- soak.lua - wrk script for tools/soak.sh: a fixed mix of request types,
-- each tagged with its own X-Request-ID (activd echoes it), so every
-- response is counted per type and status although one wrk thread
-- interleaves many connections. Valid types must all answer 2xx; the error
-- types must answer exactly their status.

local types = {
  -- name, expected status, weight, method, path, content type, body
  {"small",   200, 4, "POST", "/eval", "application/json",
   '{"activation":"sigmoid","x":[-1,0,1,2.5,-3.75,0.1,7,-0]}'},
  {"query",   200, 2, "GET", "/eval?activation=leaky_relu&x=-1,0,2&negative_slope=0.2"},
  {"binary",  200, 2, "POST", "/eval?activation=gelu", "application/octet-stream", nil},
  {"grad",    200, 1, "POST", "/grad", "application/json",
   '{"activation":"softmax","x":[[1,2,3],[0,0,0]],"grad_output":[[1,0,0],[0,1,0]]}'},
  {"range",   200, 1, "POST", "/eval", "application/json",
   '{"activation":"tanh","range":{"start":-10,"stop":10,"step":0.025}}'},
  {"plot",    200, 1, "GET", "/plot?activation=silu&what=both"},
  {"badjson", 400, 1, "POST", "/eval", "application/json", '{"activation":"relu","x":[1,]}'},
  {"unknown", 422, 1, "POST", "/eval", "application/json", '{"activation":"sigmoyd","x":[1]}'},
  {"notfound",404, 1, "GET", "/nope"},
}

-- 64 float64 values, little-endian, for the binary type
local function f64le(v)
  -- exact for the small integers and halves used here
  local sign = 0
  if v < 0 then sign = 1; v = -v end
  if v == 0 then return string.rep("\0", 7) .. string.char(sign * 128) end
  local e = 0
  while v >= 2 do v = v / 2; e = e + 1 end
  while v < 1 do v = v * 2; e = e - 1 end
  local m = v - 1
  local bits = {}
  for i = 1, 52 do m = m * 2; if m >= 1 then bits[i] = 1; m = m - 1 else bits[i] = 0 end end
  local be = e + 1023
  local bytes = {}
  -- assemble 64 bits: sign(1) exp(11) mantissa(52), big-endian then reverse
  local all = {sign}
  for i = 10, 0, -1 do all[#all + 1] = math.floor(be / 2 ^ i) % 2 end
  for i = 1, 52 do all[#all + 1] = bits[i] end
  for b = 0, 7 do
    local byte = 0
    for i = 1, 8 do byte = byte * 2 + all[b * 8 + i] end
    bytes[8 - b] = string.char(byte)
  end
  return table.concat(bytes)
end

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  local vals = {}
  for i = 0, 63 do vals[#vals + 1] = f64le((i % 16) / 2 - 4) end
  types[3][7] = table.concat(vals)
  seq = {}
  for _, t in ipairs(types) do
    local headers = {["X-Request-ID"] = "soak-" .. t[1]}
    if t[6] then headers["Content-Type"] = t[6] end
    local req = wrk.format(t[4], t[5], headers, t[7])
    for _ = 1, t[3] do seq[#seq + 1] = req end
  end
  n = 0
  counts = {}
end

function request()
  n = n % #seq + 1
  return seq[n]
end

function response(status, headers, body)
  local id = headers["X-Request-ID"] or headers["x-request-id"] or "soak-untagged"
  local key = string.sub(id, 6) .. ":" .. status
  counts[key] = (counts[key] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    local c = thread:get("counts")
    for k, v in pairs(c) do total[k] = (total[k] or 0) + v end
  end
  local expected = {}
  for _, t in ipairs(types) do expected[t[1]] = t[2] end
  local bad, keys = 0, {}
  for k in pairs(total) do keys[#keys + 1] = k end
  table.sort(keys)
  for _, k in ipairs(keys) do
    local name, status = string.match(k, "^(.*):(%d+)$")
    local ok = expected[name] == tonumber(status)
    if not ok then bad = bad + total[k] end
    io.write(string.format("SOAK count type=%s status=%s n=%d%s\n", name, status, total[k],
                           ok and "" or " UNEXPECTED"))
  end
  local e = summary.errors
  io.write(string.format("SOAK unexpected=%d\n", bad))
  io.write(string.format("SOAK socket_errors connect=%d read=%d write=%d timeout=%d\n",
                         e.connect, e.read, e.write, e.timeout))
  io.write(string.format("SOAK requests=%d seconds=%.1f rps=%.0f\n", summary.requests,
                         summary.duration / 1e6, summary.requests / (summary.duration / 1e6)))
  io.write(string.format("SOAK latency_ms p50=%.2f p90=%.2f p99=%.2f max=%.2f\n",
                         latency:percentile(50) / 1e3, latency:percentile(90) / 1e3,
                         latency:percentile(99) / 1e3, latency.max / 1e3))
end
