namespace Tinyfence.Sharing;

/// <summary>
/// The Lua script every node loads (SCRIPT LOAD, then EVALSHA), so that Redis scores the hits of
/// all nodes with one arithmetic: <see cref="Table.Decay"/>'s, mod_security's deprecatevar. Per
/// table, under the share's prefix P: a hash <c>P NAME:ADDRESS</c> (s: score, d: the time it was
/// decayed to, a: the block end last announced), which expires when its score has decayed to 0;
/// a sorted set <c>P NAME:blocked</c> of the blocked addresses by the time their block ends; and
/// the channel <c>P NAME:blocked</c> on which a block is announced as <c>ADDRESS SCORE DECAYED-TO</c>.
/// </summary>
internal static class ShareScript
{
    // Times are the nodes' table clocks (Unix seconds), never Redis's: a hit is scored at the time
    // it was taken, even when a backlog brings it minutes later. A block is announced when an
    // address crosses the threshold; a block the nodes hold needs no message, so it is announced
    // again only when the end last announced is less than a period away (or past) and further hits
    // pushed the end a whole period past it: spam renews each block about once a period, not with
    // every batch to every node, and a node that adopted it keeps it as long as hits keep coming.
    // Hits that stop leave a node's block ending at the end last announced, however far Redis's
    // goes: the address's next hit on any node announces it again.
    //
    // hit:  KEYS = score key prefix, blocked set; ARGV = "hit", decay points, period, block above,
    //       channel, then ADDRESS POINTS AT for each hit (an address's hits of one second come summed,
    //       see HitCoalescer). Returns how many blocks it announced.
    // load: KEYS = the same; ARGV = "load", now, most. Returns "ADDRESS SCORE DECAYED-TO" per
    //       address blocked at now, and forgets the blocks that ended.
    public const string Source = """
        local prefix, blocked = KEYS[1], KEYS[2]
        if ARGV[1] == 'load' then
          local now = tonumber(ARGV[2])
          redis.call('ZREMRANGEBYSCORE', blocked, '-inf', now)
          local out = {}
          for _, address in ipairs(redis.call('ZRANGEBYSCORE', blocked, '(' .. now, '+inf', 'LIMIT', 0, tonumber(ARGV[3]))) do
            local stored = redis.call('HMGET', prefix .. address, 's', 'd')
            if stored[1] then out[#out + 1] = address .. ' ' .. stored[1] .. ' ' .. stored[2] end
          end
          return out
        end
        local points, period, above, channel = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5]
        local announced, latest = 0, 0
        for i = 6, #ARGV, 3 do
          local address, add, now = ARGV[i], tonumber(ARGV[i + 1]), tonumber(ARGV[i + 2])
          local key = prefix .. address
          local stored = redis.call('HMGET', key, 's', 'd', 'a')
          local score, decayed = 0, now
          if stored[1] then
            score, decayed = tonumber(stored[1]), tonumber(stored[2])
            if points > 0 and score > 0 and now > decayed then
              local steps = math.floor((now - decayed) / period)
              score = math.max(score - steps * points, 0)
              decayed = decayed + steps * period
            end
            if score <= 0 then score, decayed = 0, now end
          end
          local before = score
          score = math.min(score + add, 2147483647)
          redis.call('HSET', key, 's', score, 'd', decayed)
          if points > 0 then
            redis.call('EXPIREAT', key, decayed + math.ceil(score / points) * period + 1)
          end
          if score > above then
            local ends = 4294967295
            if points > 0 then ends = decayed + math.ceil((score - above) / points) * period end
            redis.call('ZADD', blocked, ends, address)
            local last = tonumber(stored[3])
            if before <= above or last == nil or last <= now or (last < now + period and ends >= last + period) then
              redis.call('HSET', key, 'a', ends)
              redis.call('PUBLISH', channel, address .. ' ' .. score .. ' ' .. decayed)
              announced = announced + 1
            end
          end
          if now > latest then latest = now end
        end
        redis.call('ZREMRANGEBYSCORE', blocked, '-inf', latest)
        return announced
        """;
}
