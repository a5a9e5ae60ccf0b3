-- Case 5 of benchmarks/run.sh: wrk's requests to `kaa web`, rotating over the logged-in sessions.
--
--   wrk -s benchmarks/web.lua URL -- MODE SESSIONS ORIGIN
--
-- MODE: idag (GET /), search (POST /sok with the session's csrf and a name from its caseload),
-- person (GET /personer/ID of someone in the session's caseload) or static (GET /static/kaa.css,
-- the baseline, with the same cookies). SESSIONS: one line per session, tab-separated: cookie,
-- csrf token, person id, url-encoded query. ORIGIN: the server's origin, sent with every POST (the
-- server refuses a POST without it). Every answer but a 200 is counted and printed by done() (with
-- the first statuses seen), since wrk itself counts a 303 to the login page as a success.

local mode, origin
local sessions = {}
local next_session = 0
local unexpected = 0
local threads = {}

function setup(thread)
   thread:set("offset", #threads)
   table.insert(threads, thread)
end

function init(args)
   mode, origin = args[1], args[3]
   for line in io.lines(args[2]) do
      local cookie, csrf, id, query = line:match("^([^\t]+)\t([^\t]+)\t([^\t]+)\t([^\t]+)$")
      if cookie then
         table.insert(sessions, { cookie = cookie, csrf = csrf, id = id, query = query })
      end
   end
   assert(#sessions > 0, "no sessions in " .. args[2])
   -- Each thread starts at another session, so the connections spread over all of them.
   next_session = (offset or 0) * math.floor(#sessions / 2)
end

function request()
   next_session = next_session % #sessions + 1
   local session = sessions[next_session]
   local headers = { Cookie = "kaa_session=" .. session.cookie }
   if mode == "idag" then
      return wrk.format("GET", "/", headers)
   elseif mode == "person" then
      return wrk.format("GET", "/personer/" .. session.id, headers)
   elseif mode == "search" then
      headers["Content-Type"] = "application/x-www-form-urlencoded"
      headers["Origin"] = origin
      return wrk.format("POST", "/sok", headers, "csrf=" .. session.csrf .. "&q=" .. session.query)
   else
      return wrk.format("GET", "/static/kaa.css", headers)
   end
end

local statuses = ""

function response(status, headers, body)
   if status ~= 200 then
      unexpected = unexpected + 1
      if #statuses < 200 then
         statuses = statuses .. status .. " "
      end
   end
end

function done(summary, latency, requests)
   local total, seen = 0, ""
   for _, thread in ipairs(threads) do
      total = total + (thread:get("unexpected") or 0)
      seen = seen .. (thread:get("statuses") or "")
   end
   io.write(string.format("unexpected_status %d of %d %s\n", total, summary.requests, seen))
end
