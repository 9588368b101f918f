-- wrk script for the ingest benchmark: each request is a sync batch of new,
-- valid observations with ids no other request uses (run, thread, counter).
-- Arguments after "--": batch size, device token, run number, visit date.
local threads = {}
local next_thread = 0

function setup(thread)
  next_thread = next_thread + 1
  thread:set("thread_id", next_thread)
  table.insert(threads, thread)
end

function init(args)
  batch = tonumber(args[1])
  token = args[2]
  run = tonumber(args[3])
  visit_date = args[4]
  counter = 0
  errors = 0
  headers = { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token }
end

local template = '{"id":"%08x-%04x-4000-8000-%012x","form_id":"professional-feedback","form_version":1,'
  .. '"submitted_at":"%sT09:00:00Z","answers":{"service":"1-%09d","visit_date":"%s","visit_time":"morning",'
  .. '"role":"gp","organisation":"Bench Surgery","appearance":"good","environment":"some_concerns",'
  .. '"environment_comment":"The lounge was cold and the call bell rang for a long time","interaction":"not_observed",'
  .. '"staffing":"good","risk_of_harm":"no","shared_with_staff":"yes","shared_with_role":"Registered manager","contact_ok":"no"}}'

function request()
  local items = {}
  for i = 1, batch do
    counter = counter + 1
    items[i] = string.format(template, run, thread_id, counter, visit_date, counter % 83 + 1, visit_date)
  end
  return wrk.format("POST", "/api/v1/sync", headers, '{"items":[' .. table.concat(items, ",") .. ']}')
end

function response(status, headers, body)
  if status ~= 200 or not string.find(body, '"accepted"', 1, true) then
    errors = errors + 1
  end
end

function done(summary, latency, requests)
  local failed = 0
  for _, thread in ipairs(threads) do
    failed = failed + thread:get("errors")
  end
  io.write(string.format("FAILED_REQUESTS %d\n", failed))
  io.write(string.format("LATENCY_P50_US %d\nLATENCY_P99_US %d\n", latency:percentile(50), latency:percentile(99)))
  io.write(string.format("REQUESTS %d\nSECONDS %f\n", summary.requests, summary.duration / 1e6))
end
