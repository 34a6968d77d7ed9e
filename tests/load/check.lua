-- Counts responses that are not a whole page: a status other than 200, or
-- a body that does not end the HTML document. wrk runs one copy per thread;
-- each thread's counts (globals, which thread:get reads) are gathered in done().
bad = 0
seen = 0

function response(status, headers, body)
  seen = seen + 1
  if status ~= 200 or not body:find("</html>%s*$") then
    bad = bad + 1
  end
end

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function done(summary, latency, requests)
  local total_bad, total_seen = 0, 0
  for _, t in ipairs(threads) do
    total_bad = total_bad + t:get("bad")
    total_seen = total_seen + t:get("seen")
  end
  io.write(string.format("checked %d responses, %d not a whole page\n", total_seen, total_bad))
end
