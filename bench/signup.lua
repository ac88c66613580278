-- Sign-up POSTs for wrk: a new organisation each time, so every one is accepted.
-- CSRF: the driver fetches /pledge/ once, then passes the csrftoken cookie and the
-- form's token (BENCH_CSRF_COOKIE, BENCH_CSRF_TOKEN); Django accepts the same pair on
-- every request. The rate limit and fill time are switched off for the run.
local cookie = os.getenv("BENCH_CSRF_COOKIE")
local token = os.getenv("BENCH_CSRF_TOKEN")
local run = os.getenv("BENCH_RUN_ID") or "run"
-- Globals, not locals: wrk reads each thread's `accepted` with thread:get.
counter = 0
thread_id = 0
accepted = 0
other = 0
other_status = 0
local threads = {}

setup = function(thread)
  thread:set("thread_id", #threads + 1)
  table.insert(threads, thread)
end

local function field(name, value)
  return name .. "=" .. value:gsub("[^%w%-_.~]", function(c)
    return string.format("%%%02X", string.byte(c)) end)
end

request = function()
  counter = counter + 1
  -- Letters between the numbers: a run of digits reads as a phone number, which a name
  -- may not hold.
  local name = string.format("Bench %s thread %d no %d", run, thread_id, counter)
  local body = table.concat({
    field("csrfmiddlewaretoken", token), field("name", name),
    field("organisation_type", "business"), field("sector", "manufacturing"),
    field("size", "small"), field("district", "preston"), field("postcode", "PR1 2AB"),
    field("commits_local_spend", "on"), field("contact_name", "Bench Contact"),
    field("contact_role", "Tester"),
    field("email", string.format("bench-%s-%d-%d@example.invalid", run, thread_id, counter)),
    field("authorised", "on"), field("agreed_to_listing", "on"),
    field("confirm", "yes"),  -- past the check-your-answers page
  }, "&")
  return wrk.format("POST", "/pledge/", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "csrftoken=" .. cookie,
    ["Referer"] = "http://127.0.0.1/pledge/",
  }, body)
end

response = function(status, headers, body)
  if status == 302 then
    accepted = accepted + 1
  else
    other = other + 1
    other_status = status  -- the last answer that was not "on to check your email"
    if os.getenv("BENCH_DEBUG") then io.stderr:write(status, " ", body:sub(1, 300), "\n") end
  end
end

done = function(summary, latency, requests)
  local total, others, status = 0, 0, 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("accepted")
    others = others + thread:get("other")
    if thread:get("other_status") ~= 0 then status = thread:get("other_status") end
  end
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, "errors_status": %d, ' ..
    '"errors_socket": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d, ' ..
    '"accepted": %d, "other": %d, "other_status": %d}\n',
    summary.requests, summary.duration, summary.bytes, e.status,
    e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max, total, others, status))
end
