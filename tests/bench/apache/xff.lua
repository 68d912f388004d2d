-- wrk script: every request carries a random X-Forwarded-For from a fixed set of addresses, so
-- Apache (mod_remoteip) sees many clients, as a real site does; with one address mod_rewrite's
-- per-child map cache and mod_security's single record would hide the cost of the check.
--   wrk ... -s xff.lua URL -- [COUNT]      COUNT addresses (default 100000), all in 10.0.0.0/8
-- The set is the same on every run; the order is random. Addresses are formatted once, in init;
-- a request is then one string concatenation, so the load generator (which shares the cores with
-- Apache) spends little per request, and init stays fast (wrk.format per address took seconds).

local addresses = {}
local count = 0
local head, tail

function setup(thread)
   setup_id = (setup_id or 0) + 1
   thread:set("id", setup_id)
end

function init(args)
   count = tonumber(args[1]) or 100000
   for i = 0, count - 1 do
      -- 7919 is odd, so i * 7919 mod 2^24 never repeats: COUNT distinct addresses spread over 10/8.
      local x = (i * 7919) % 16777216
      addresses[i + 1] = string.format("10.%d.%d.%d", math.floor(x / 65536), math.floor(x / 256) % 256, x % 256)
   end
   -- wrk's own request with a marker where the address goes: the same method, path and headers.
   local template = wrk.format(nil, nil, { ["X-Forwarded-For"] = "\0" })
   local at = template:find("\0", 1, true)
   head, tail = template:sub(1, at - 1), template:sub(at + 1)
   math.randomseed(os.time() * 100 + (id or 0))
end

function request()
   return head .. addresses[math.random(count)] .. tail
end
