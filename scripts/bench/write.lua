-- wrk script: versioned writes (PUT to each row's path: a task edit, a progress report's save, a score
-- the version each record was last seen at. Threads take alternate rows, so no record is written by
-- two connections at once; each answer's new version is kept for that record's next write.
local all = dofile(os.getenv("HANTEAM_BENCH_ROWS"))
local token = os.getenv("HANTEAM_BENCH_TOKEN")
local threads = 0

function setup(thread)
  thread:set("slice", threads)
  threads = threads + 1
end

local mine, by_id, pos = {}, {}, 0

function init(args)
  for i, t in ipairs(all) do
    if i % 2 == (slice or 0) % 2 then
      table.insert(mine, t)
      by_id[t.id] = t
    end
  end
end

function request()
  pos = pos % #mine + 1
  local t = mine[pos]
  local body = t.head .. ',"version":' .. t.version .. '}'
  return wrk.format("PUT", t.path,
    { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }, body)
end

function response(status, headers, body)
  if status == 200 then
    local id, version = body:match('"id":(%d+).-"version":(%d+)')
    local t = id and by_id[tonumber(id)]
    if t then t.version = tonumber(version) end
  end
end
