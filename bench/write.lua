-- bench/write.lua: the durable-write scenario for wrk (bench/http.sh). Every request is
-- POST /api/v1/units adding a residential group under one block, with a code no other request uses:
-- W<run>-<wrk thread>-<counter>, where BENCH_RUN (from the environment) is unique to the run.
-- The session cookie, CSRF token and parent block come from the environment too:
--   BENCH_COOKIE ("tiengmo_session=…"), BENCH_CSRF, BENCH_PARENT (the block's id), BENCH_RUN.
-- A row is the same size as the raw inserts of bench/rawinsert.c (same code, name and path shapes).

local run = os.getenv("BENCH_RUN") or "x"
local parent = os.getenv("BENCH_PARENT") or "0"
local cookie = os.getenv("BENCH_COOKIE") or ""
local csrf = os.getenv("BENCH_CSRF") or ""
local next_thread = 0

function setup(thread)
  thread:set("tid", next_thread)
  next_thread = next_thread + 1
end

local n = 0

function init(args)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Cookie"] = cookie
  wrk.headers["X-CSRF-Token"] = csrf
end

function request()
  n = n + 1
  local body = string.format(
    '{"parent_id":%s,"kind":"group","code":"W%s-%d-%d","name":"Tổ dân phố %d khối %d"}',
    parent, run, tid, n, n, tid + 1)
  return wrk.format(nil, nil, nil, body)
end
