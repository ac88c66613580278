-- The supplier search as many different buyers use it: a real postcode, a radius, what
-- they need (a trade, a category's word, part of a name, or a word nothing matches), a
-- filter or two and a page, new on every request, so that no page cache helps. A counter
-- in the query string (an unknown parameter, which the search ignores) makes every
-- address new even when the same choices come round again.
--
-- Each postcode is in the postcode directory (bench/run.py checks, before it seeds):
-- two to four in each of the fourteen districts, some in the rest of the North West,
-- and one far outside it.
local postcodes = {
  -- Preston, Blackpool, Lancaster
  "PR1 0LD", "PR1 2HE", "PR1 8UY", "PR2 9HT",
  "FY1 4BJ", "FY1 1GB", "FY3 9HN", "FY4 4LJ",
  "LA1 1PJ", "LA4 4DW", "LA2 6ND", "LA5 9DE",
  -- Burnley, Blackburn with Darwen, Chorley, Fylde
  "BB11 1JA", "BB12 0AB", "BB12 7AA",
  "BB1 7DY", "BB2 1AX", "BB3 1AA",
  "PR7 1DP", "PR6 0AA", "PR26 9AA",
  "FY8 1LW", "FY8 5LN", "PR4 2AA",
  -- Hyndburn, Pendle, Ribble Valley, Rossendale
  "BB5 1LA", "BB5 3DA", "BB6 7UA",
  "BB9 7LG", "BB8 0AQ", "BB18 5HB",
  "BB7 2RA", "BB7 1BZ", "PR3 3JA",
  "OL13 0BB", "BB4 7LZ",
  -- South Ribble, West Lancashire, Wyre
  "PR25 1DH", "PR5 6AE",
  "L39 2DF", "WN8 6LL", "L40 5SY",
  "FY6 7PU", "FY7 6AN", "PR3 1DH", "FY5 1AA",
  -- Elsewhere in the North West: Manchester, Wigan, Kendal, Kirkby Lonsdale, Carlisle,
  -- Bury, Oldham; and outside it, Westminster
  "M2 5DB", "WN1 1YN", "LA9 4DL", "LA6 2AA", "CA3 8QG", "BL9 0EJ", "OL1 1UT",
  "SW1A 1AA",
}
local radii = {"", "", "within=5", "within=10", "within=10", "within=25", "within=50"}
local words = {
  -- what buyers need: trades, and words only a category has ("catering" finds the bakeries)
  "catering", "catering", "printing", "printing", "builders", "builders", "electrical",
  "cleaning", "cleaning", "security", "bakery", "coffee", "food", "legal", "software",
  "websites", "uniforms", "waste", "training", "delivery", "furniture", "cctv", "joinery",
  "engineering", "lighting", "accountants", "events", "hampers", "plumbing",
  -- parts of names
  "pendle", "bacup", "red rose", "lune", "clitheroe", "ltd", "sons", "co-op", "cic",
  "fylde", "bak", "print",
  -- nothing here sells these
  "aerospace", "zeppelin", "submarines",
}
local filters = {
  "category=55000000", "category=15000000", "category=45000000", "category=72000000",
  "category=79000000", "category=90000000", "category=22000000",
  "district=preston", "district=burnley", "district=blackpool", "district=lancaster",
  "district=chorley", "district=wyre", "district=pendle",
  "size=sme", "size=sme", "size=micro", "size=small", "size=medium", "size=large",
  "type=vcse", "type=business", "type=charity", "type=social-enterprise",
  "type=public-body", "type=school", "type=other",
  "sells=public-sector", "sells=public-sector", "sells=businesses", "sells=public",
  "commitment=local-spend", "commitment=living-wage", "commitment=jobs",
  "commitment=volunteering", "commitment=environment",
  "accredited=1",
}
local pages = {1, 1, 1, 1, 1, 1, 2, 2, 2, 3, 3, 4, 5, 10, 20, 50}

dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "visits.lua")

request = function()
  counter = counter + 1
  local parts = {}
  if math.random() < 0.75 then  -- most say what they need, some with two words
    local q = pick(words)
    if math.random() < 0.2 then q = q .. " " .. pick(words) end
    table.insert(parts, "q=" .. q:gsub(" ", "+"))
  end
  table.insert(parts, "near=" .. pick(postcodes):gsub(" ", "+"))
  local radius = pick(radii)
  if radius ~= "" then table.insert(parts, radius) end
  if math.random() < 0.5 then table.insert(parts, pick(filters)) end
  if math.random() < 0.15 then table.insert(parts, pick(filters)) end
  table.insert(parts, "page=" .. pick(pages))
  table.insert(parts, string.format("visit=%d-%d-%d", started, thread_id, counter))
  return wrk.format("GET", "/suppliers/?" .. table.concat(parts, "&"))
end

-- The summary line the driver reads, as every other run prints it.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "report.lua")
