-- What each varied script (wall_varied.lua, suppliers_near.lua) shares: each thread its
-- own sequence of choices (and so its own addresses), not the same one twice, and
-- pick(), one of a list at random. Loaded by each script before its request().
counter = 0
thread_id = 0
local threads = 0

setup = function(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
end

init = function(args)
  started = os.time()
  math.randomseed(started * 100 + thread_id)
end

function pick(list) return list[math.random(#list)] end
