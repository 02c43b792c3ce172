-- wrk: PUT a 16 KiB blob to the hushpost relay, each under a fresh tag (so the 128-blob
-- per-tag quota never bites). Not a test; used by bench/relay.sh.
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
  local tag = prefix .. string.format("%024x", 0) .. string.format("%032x", n)
  return wrk.format("PUT", "/v1/blobs", { ["Hushpost-Tag"] = tag }, body)
end
