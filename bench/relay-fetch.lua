-- wrk: one batched fetch of 4 capabilities (4 slots, 65,696-byte answer) from the hushpost
-- relay. The JSON body comes as the script argument. Not a test; used by bench/relay.sh.
local req

function init(args)
  req = wrk.format("POST", "/v1/fetch", { ["Content-Type"] = "application/json" }, args[1])
end

function request()
  return req
end
