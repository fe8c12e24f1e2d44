"""The postings of a Redis index: hashes of a few dozen posting keys each, grown by linear hashing.

A Redis key costs some 80-110 bytes of memory before its value; one per posting key (most
keys are held by one article, some 440 per article) made the postings most of an index.
Here the posting keys of a channel share hash buckets ``P:b:CHANNEL:N``, which Redis keeps
in its compact listpack encoding while they hold at most 128 fields of at most 64 bytes
(its defaults, ``hash-max-listpack-entries`` and ``-value``); about 20 bytes a posting.

* field: the posting key mixed by a bijection (:func:`fields_of`), 8 bytes little-endian;
  its first 4 bytes (a uniform 32-bit number ``h``) choose the bucket;
* value: the rows, 8 bytes each (``doc``, ``pos``: ``<u4`` each), in the order they were
  added (``doc`` grows), so the first is the bucket's representative; a key with more than
  :data:`INLINE` bytes of rows keeps them in a string ``P:o:CHANNEL:HEX`` instead (its
  field's value then empty);
* buckets: ``2**level + split`` (``P:lh:CHANNEL``: ``level``, ``split``, ``entries``);
  ``h`` goes to bucket ``h % 2**level``, or ``h % 2**(level + 1)`` when that is below
  ``split``. When the fields pass :data:`LOAD` per bucket, bucket ``split`` is split in
  two (its fields with the next bit of ``h`` set move to bucket ``split + 2**level``).
  Buckets hold 40 to 80 fields then (at most 128 but by rare chance).

Every read and write of the buckets runs in a Lua script, so a reader never sees a bucket
half split; a write adds or removes one article whole.

>>> fields = fields_of(np.arange(100_000))  # distinct, and spread over the buckets
>>> np.unique(fields).size, int(np.bincount((fields % np.uint64(16)).astype(int)).min()) > 6000
(100000, True)
>>> fields, counts, positions = grouped(np.array([5, 3, 5]), np.array([9, 1, 2]))
>>> len(fields) // 8, sorted(np.frombuffer(counts, "<u4").tolist()), len(positions) // 4
(2, [1, 2], 3)
"""

from __future__ import annotations

import numpy as np

INLINE = 64  # bytes of rows kept in a bucket's field (Redis's hash-max-listpack-value)
LOAD = 40  # fields per bucket before one is split
_MIX = np.uint64(0xD6E8FEB86659FD93)  # odd: multiplying by it is a bijection of 64-bit numbers

_COMMON = f"""
local P = ARGV[1]
local INLINE, LOAD = {INLINE}, {LOAD}
local function state(c)
  local v = redis.call('HMGET', P .. ':lh:' .. c, 'level', 'split', 'entries')
  return {{c = c, level = tonumber(v[1]) or 4, split = tonumber(v[2]) or 0, entries = tonumber(v[3]) or 0}}
end
local function name(st, a) return P .. ':b:' .. st.c .. ':' .. string.format('%d', a) end
local function bucket(st, f)
  local h = struct.unpack('<I4', f)
  local m = 2 ^ st.level
  local a = h % m
  if a < st.split then a = h % (2 * m) end
  return name(st, a)
end
local function overflow(st, f)
  return P .. ':o:' .. st.c .. ':' .. f:gsub('.', function(ch) return string.format('%02x', ch:byte()) end)
end
local function save(st)
  redis.call('HSET', P .. ':lh:' .. st.c, 'level', st.level, 'split', st.split, 'entries', st.entries)
end
"""

# ARGV: prefix, record, id, ingested, published score or '', term ids (<u4 each), then per
# channel: name, fields (8 bytes each), rows per field (<u4 each), positions (<u4 each)
INSERT = _COMMON + """
local doc = redis.call('INCR', P .. ':next')
local d = struct.pack('<I4', doc)
redis.call('SET', P .. ':art:' .. doc, ARGV[2])
redis.call('HSET', P .. ':ids', ARGV[3], doc)
redis.call('ZADD', P .. ':docs', doc, doc)
redis.call('ZADD', P .. ':ingested', ARGV[4], doc)
if ARGV[5] ~= '' then redis.call('ZADD', P .. ':published', ARGV[5], doc) end
local t = ARGV[6]
for i = 1, #t, 4 do
  redis.call('HINCRBY', P .. ':terms', string.format('%d', (struct.unpack('<I4', t, i))), 1)
end
local function grow(st)
  while st.entries > LOAD * (2 ^ st.level + st.split) do
    local m = 2 ^ st.level
    local from, to = name(st, st.split), name(st, st.split + m)
    local all = redis.call('HGETALL', from)
    local moved, gone = {}, {}
    for i = 1, #all, 2 do
      if struct.unpack('<I4', all[i]) % (2 * m) ~= st.split then
        moved[#moved + 1] = all[i]; moved[#moved + 1] = all[i + 1]; gone[#gone + 1] = all[i]
      end
    end
    if #gone > 0 then
      redis.call('HSET', to, unpack(moved))
      redis.call('HDEL', from, unpack(gone))
    end
    st.split = st.split + 1
    if st.split == m then st.level, st.split = st.level + 1, 0 end
  end
end
for k = 7, #ARGV, 4 do
  local st = state(ARGV[k])
  local fields, counts, pos = ARGV[k + 1], ARGV[k + 2], ARGV[k + 3]
  local at = 1
  for i = 1, #fields / 8 do
    local f = fields:sub(8 * i - 7, 8 * i)
    local n = struct.unpack('<I4', counts, 4 * i - 3)
    local parts = {}
    for j = 0, n - 1 do parts[j + 1] = d .. pos:sub(at + 4 * j, at + 4 * j + 3) end
    at = at + 4 * n
    local r = table.concat(parts)
    local b = bucket(st, f)
    local old = redis.call('HGET', b, f)
    if not old then
      st.entries = st.entries + 1
      if #r <= INLINE then
        redis.call('HSET', b, f, r)
      else
        redis.call('SET', overflow(st, f), r)
        redis.call('HSET', b, f, '')
      end
    elseif old == '' then
      redis.call('APPEND', overflow(st, f), r)
    elseif #old + #r <= INLINE then
      redis.call('HSET', b, f, old .. r)
    else
      redis.call('SET', overflow(st, f), old .. r)
      redis.call('HSET', b, f, '')
    end
  end
  redis.call('INCRBY', P .. ':n:' .. st.c, #pos / 4)
  grow(st)
  save(st)
end
redis.call('INCR', P .. ':count')
return doc
"""

# ARGV: prefix, doc, id, term ids (<u4 each), then per channel: name, fields (8 bytes each)
DELETE = _COMMON + """
local doc = ARGV[2]
if redis.call('EXISTS', P .. ':art:' .. doc) == 0 then return 0 end
local d = struct.pack('<I4', tonumber(doc))
redis.call('DEL', P .. ':art:' .. doc)
redis.call('HDEL', P .. ':ids', ARGV[3])
for _, z in ipairs({'docs', 'ingested', 'published'}) do redis.call('ZREM', P .. ':' .. z, doc) end
local t = ARGV[4]
for i = 1, #t, 4 do
  local term = string.format('%d', (struct.unpack('<I4', t, i)))
  if redis.call('HINCRBY', P .. ':terms', term, -1) <= 0 then redis.call('HDEL', P .. ':terms', term) end
end
for k = 5, #ARGV, 2 do
  local st = state(ARGV[k])
  local fields = ARGV[k + 1]
  local removed = 0
  for i = 1, #fields / 8 do
    local f = fields:sub(8 * i - 7, 8 * i)
    local b = bucket(st, f)
    local v = redis.call('HGET', b, f)
    if v then
      local o = nil
      if v == '' then
        o = overflow(st, f)
        v = redis.call('GET', o) or ''
      end
      local keep = {}
      for j = 1, #v, 8 do
        if v:sub(j, j + 3) == d then removed = removed + 1 else keep[#keep + 1] = v:sub(j, j + 7) end
      end
      local left = table.concat(keep)
      if o and #left > INLINE then
        redis.call('SET', o, left)
      else
        if o then redis.call('DEL', o) end
        if #left == 0 then
          redis.call('HDEL', b, f)
          st.entries = st.entries - 1
        else
          redis.call('HSET', b, f, left)
        end
      end
    end
  end
  redis.call('DECRBY', P .. ':n:' .. st.c, removed)
  save(st)
end
redis.call('DECR', P .. ':count')
return 1
"""

# ARGV: prefix, channel, limit, fields (8 bytes each); returns per field its rows' count and
# rows (all of them when at most the limit, else the first)
BUCKETS = _COMMON + """
local st = state(ARGV[2])
local limit = tonumber(ARGV[3])
local fields = ARGV[4]
local out = {}
for i = 1, #fields / 8 do
  local f = fields:sub(8 * i - 7, 8 * i)
  local v = redis.call('HGET', bucket(st, f), f)
  local n, rows = 0, ''
  if v == '' then
    local o = overflow(st, f)
    n = redis.call('STRLEN', o) / 8
    if n > limit then rows = redis.call('GETRANGE', o, 0, 7) else rows = redis.call('GET', o) end
  elseif v then
    n = #v / 8
    if n > limit then rows = v:sub(1, 8) else rows = v end
  end
  out[2 * i - 1] = n
  out[2 * i] = rows
end
return out
"""

# ARGV: prefix, docs; returns the terms blob of each stored record (nil when gone); records
# begin with RECORD_HEAD (ingested <f8, terms length <u4 at byte 9, ...)
TERMS = """
local out = {}
for i = 2, #ARGV do
  local v = redis.call('GET', ARGV[1] .. ':art:' .. ARGV[i])
  if not v then
    out[i - 1] = false
  elseif #v < 18 then
    out[i - 1] = v  -- (damaged: the client says so)
  else
    out[i - 1] = v:sub(19, 18 + struct.unpack('<I4', v, 9))
  end
end
return out
"""


def fields_of(keys: np.ndarray) -> np.ndarray:
    """The bucket fields (uint64) of posting keys (int64): a bijection, whose low 32 bits
    depend on all of the key's."""
    with np.errstate(over="ignore"):
        x = keys.astype(np.int64).view(np.uint64) * _MIX
    return x ^ (x >> np.uint64(32))


def grouped(keys: np.ndarray, pos: np.ndarray) -> tuple[bytes, bytes, bytes]:
    """One article's postings of a channel as the insert script takes them: its distinct
    fields, the rows of each, and their positions (by field, then position)."""
    fields = fields_of(keys)
    order = np.lexsort((pos, fields))
    distinct, counts = np.unique(fields[order], return_counts=True)
    return (distinct.astype("<u8").tobytes(), counts.astype("<u4").tobytes(),
            pos[order].astype("<u4").tobytes())
