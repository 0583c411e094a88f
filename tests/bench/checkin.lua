-- wrk script of the check-in benchmark (see checkin.sh). Each thread sends its share of the
-- distinct check-ins in BENCH_REQUESTS (lines "token code venue-token nonce"), starting at
-- line BENCH_FROM, and writes the check-in id of every `ok` answer to BENCH_OUT/ok-<n>.txt,
-- so the helper can prove afterwards that every acknowledged check-in is in the database.
local threads = {}
local next_id = 1

function setup(thread)
  thread:set("id", next_id)
  thread:set("threads_total", tonumber(os.getenv("BENCH_THREADS") or "2"))
  table.insert(threads, thread)
  next_id = next_id + 1
end

function init(args)
  requests = {}
  results = {}
  wrapped = 0
  local from = tonumber(os.getenv("BENCH_FROM") or "1")
  local to = tonumber(os.getenv("BENCH_TO") or "1000000000")
  local n = 0
  for line in io.lines(os.getenv("BENCH_REQUESTS")) do
    n = n + 1
    if n >= from and n <= to and (n % threads_total) == (id - 1) then
      local token, code, venue, nonce = line:match("(%S+) (%S+) (%S+) (%S+)")
      local body = '{"activity_code":"' .. code .. '","token":"' .. venue .. '","nonce":"' .. nonce .. '"}'
      requests[#requests + 1] = wrk.format("POST", "/api/v1/checkins",
        { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }, body)
    end
  end
  cursor = 0
  out = io.open(os.getenv("BENCH_OUT") .. "/ok-" .. (os.getenv("BENCH_TAG") or "run") .. "-" .. id .. ".txt", "w")
end

function request()
  cursor = cursor + 1
  if cursor > #requests then
    -- Out of distinct people: further requests are repeats (answered already_checked_in).
    cursor = 1
    wrapped = wrapped + 1
  end
  return requests[cursor]
end

function response(status, headers, body)
  local result = body:match('"result":"([a-z_]+)"') or ("http_" .. status)
  results[result] = (results[result] or 0) + 1
  if result == "ok" then
    out:write(body:match('"checkin_id":(%d+)') or "?", "\n")
    out:flush()
  end
end

function done(summary, latency, requests)
  local totals = {}
  local wraps = 0
  for _, thread in ipairs(threads) do
    local r = thread:get("results")
    for k, v in pairs(r) do totals[k] = (totals[k] or 0) + v end
    wraps = wraps + thread:get("wrapped")
  end
  local seconds = summary.duration / 1e6
  io.write(string.format("requests/s  %.0f\n", summary.requests / seconds))
  io.write(string.format("ok/s        %.0f\n", (totals["ok"] or 0) / seconds))
  io.write(string.format("p50 %.2f ms  p90 %.2f ms  p99 %.2f ms  max %.2f ms\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
  for k, v in pairs(totals) do io.write(string.format("result %-20s %d\n", k, v)) end
  io.write(string.format("errors: connect %d read %d write %d timeout %d status %d; wrapped %d\n",
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout, summary.errors.status, wraps))
end
