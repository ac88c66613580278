-- The wall as many different visitors use it: a random search (whole or partial words,
-- in any order), filter, sort and page on every request, so that no page cache helps.
-- A counter in the query string (an unknown parameter, which the wall ignores) makes
-- every address new even when the same choices come round again.
local words = {
  "bakery", "bacup", "bak", "engineering", "eng", "joinery", "builders", "print",
  "dairy", "coffee", "solicitors", "accountants", "digital", "care", "logistics",
  "garden", "textiles", "recycling", "energy", "theatre", "academy", "housing",
  "food", "cleaning", "brewery", "farm", "pendle", "ribble", "bowland", "fylde",
  "red rose", "lune", "rossendale", "wyre", "calder", "darwen", "hodder", "pennine",
  "morecambe", "silverdale", "longridge", "clitheroe", "garstang", "ormskirk",
  "leyland", "chorley", "accrington", "colne", "burnley", "lytham", "fleetwood",
  "carnforth", "haslingden", "ltd", "limited", "cic", "sons", "group", "co-op",
  "partnership", "trust", "shop", "works", "lanc", "valley", "coast", "bay",
}
local filters = {
  "district=blackburn-with-darwen", "district=blackpool", "district=burnley",
  "district=chorley", "district=fylde", "district=hyndburn", "district=lancaster",
  "district=pendle", "district=preston", "district=ribble-valley", "district=rossendale",
  "district=south-ribble", "district=west-lancashire", "district=wyre",
  "district=north-west", "district=outside-north-west",
  "sector=manufacturing", "sector=hospitality", "sector=construction", "sector=health",
  "sector=agriculture", "sector=transport", "sector=finance", "sector=arts",
  "type=business", "type=charity", "type=social-enterprise", "type=public-body",
  "type=school", "size=micro", "size=small", "size=medium", "size=large",
  "commitment=local-spend", "commitment=living-wage", "commitment=jobs",
  "commitment=volunteering", "commitment=environment",
}
local pages = {1, 1, 1, 1, 2, 2, 3, 4, 5, 8, 10, 20, 50, 100, 200}

dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "visits.lua")

request = function()
  counter = counter + 1
  local parts = {}
  local roll = math.random()
  if roll < 0.7 then  -- most visitors search, some with two words in either order
    local q = pick(words)
    if math.random() < 0.4 then q = q .. " " .. pick(words) end
    table.insert(parts, "q=" .. q:gsub(" ", "+"))
  end
  if roll > 0.5 or math.random() < 0.3 then table.insert(parts, pick(filters)) end
  if math.random() < 0.2 then table.insert(parts, pick(filters)) end
  if math.random() < 0.3 then table.insert(parts, "sort=newest") end
  table.insert(parts, "page=" .. pick(pages))
  table.insert(parts, string.format("visit=%d-%d-%d", started, thread_id, counter))
  return wrk.format("GET", "/signatories/?" .. table.concat(parts, "&"))
end

-- The summary line the driver reads, as every other run prints it.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "report.lua")
