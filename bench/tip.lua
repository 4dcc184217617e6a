-- bench/tip.lua: the durable tip submission scenario for wrk (bench/submit.sh). Every request is
-- POST /api/v1/public/tips, JSON without files, anonymous, to one block (BENCH_UNIT from the
-- environment) with a Vietnamese description of about 200 bytes. The public route limits tips per
-- client address (30 an hour), so every request comes "through the proxy" (the server runs with
-- --trusted-proxy 127.0.0.1) from its own X-Forwarded-For address: the limit is still checked and
-- counted on every request, as in production, but never reached.
local unit = os.getenv("BENCH_UNIT") or "0"
local next_thread = 0

function setup(thread)
  thread:set("tid", next_thread)
  next_thread = next_thread + 1
end

local n = 0

function init(args)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  n = n + 1
  local addr = string.format("10.%d.%d.%d", tid + 1, math.floor(n / 256) % 256, n % 256)
  local body = string.format(
    '{"category":"noise","unit_id":%s,"description":"Hát karaoke quá to lúc nửa đêm ở ngõ %d đường Trần Phú, ' ..
    'nhiều hộ dân không ngủ được; đề nghị công an phường nhắc nhở (tin số %d-%d)."}', unit, n % 97, tid, n)
  wrk.headers["X-Forwarded-For"] = addr
  return wrk.format(nil, nil, nil, body)
end
