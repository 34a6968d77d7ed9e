-- Counts responses that are not a whole page: a status other than 200, or
-- a body that does not end the HTML document. wrk runs one copy per thread;
-- each thread's counts (globals, which thread:get reads) are gathered in done().
bad = 0
seen = 0
-- Pages that show an edit, and pages with the error overlay: proof that
-- the rebuilds reached the served site during the load.
edited = 0
overlay = 0

function response(status, headers, body)
  seen = seen + 1
  if status ~= 200 or not body:find("</html>%s*$") then
    bad = bad + 1
  end
  if body:find("Edit number", 1, true) then
    edited = edited + 1
  end
  if body:find("playbook-overlay", 1, true) then
    overlay = overlay + 1
  end
end

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function done(summary, latency, requests)
  local total = { bad = 0, seen = 0, edited = 0, overlay = 0 }
  for _, t in ipairs(threads) do
    for k, v in pairs(total) do
      total[k] = v + t:get(k)
    end
  end
  io.write(string.format("checked %d responses, %d not a whole page, %d with an edit, %d with the error overlay\n",
    total.seen, total.bad, total.edited, total.overlay))
end
