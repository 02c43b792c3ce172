-- wrk: PUT a 16 KiB file into nginx's WebDAV dead drop, each under a fresh name.
-- Not a test; used by bench/relay.sh.
local body = string.rep("\xA5", 16384)
local n = 0
local prefix = "00000000"

function setup(thread)
  thread:set("tid", math.random(1, 0x7fffffff))
end

function init(args)
  prefix = string.format("%08x", tid or math.random(1, 0x7fffffff))
end

function request()
  n = n + 1
  return wrk.format("PUT", "/drop/" .. prefix .. "-" .. n, nil, body)
end
