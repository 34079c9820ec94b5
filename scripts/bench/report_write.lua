-- wrk script: progress reports saved (PUT /api/v1/check-cycles/{c}/reports/{t}/{a}) by an agency's
-- officer, with the version each report was last seen at. Threads take alternate reports, so no report
-- is saved by two connections at once; each answer's new version is kept for that report's next save.
local all = dofile(os.getenv("HANTEAM_BENCH_REPORTS"))
local token = os.getenv("HANTEAM_BENCH_TOKEN")
local threads = 0

function setup(thread)
  thread:set("slice", threads)
  threads = threads + 1
end

local mine, by_id, pos = {}, {}, 0

function init(args)
  for i, r in ipairs(all) do
    if i % 2 == (slice or 0) % 2 then
      table.insert(mine, r)
      by_id[r.id] = r
    end
  end
end

function request()
  pos = pos % #mine + 1
  local r = mine[pos]
  local body = r.head .. ',"version":' .. r.version .. '}'
  return wrk.format("PUT", r.path,
    { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }, body)
end

function response(status, headers, body)
  if status == 200 then
    local id, version = body:match('"id":(%d+).-"version":(%d+)')
    local r = id and by_id[tonumber(id)]
    if r then r.version = tonumber(version) end
  end
end
