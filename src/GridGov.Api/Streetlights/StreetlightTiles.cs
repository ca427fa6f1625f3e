using System.Collections.Concurrent;
using GridGov.Geo.Tiles;

namespace GridGov.Api.Streetlights;

/// <summary>
/// The streetlights tile layer from memory: the lamps the index already holds, the statuses the status snapshot holds,
/// written as Mapbox Vector Tiles by <see cref="MvtWriter"/>. Two layers: <c>streetlights</c> (points: code,
/// component, status, circuit_code, circuit_seq; every lamp and cabinet from z13, below that only those not normal,
/// so a fault is never hidden by zoom) and <c>circuits</c> (the lamps of each faulted circuit as a line in cable order,
/// at every zoom). A tile is kept until the lamps change, or the status of a lamp or circuit on it. PostGIS holds the same data and the
/// statement it would take (<see cref="Tiles.TilesApi"/>'s former streetlights SQL) is what the benchmark compares.
/// </summary>
public sealed class StreetlightTiles(StreetlightIndex index, StreetlightStatus status)
{
    public const int LampsFromZoom = 13;
    private const int MaxCached = 20_000;

    private sealed record Frame(StreetlightIndex.Snapshot Lamps, int[] ByLon, double[] Lons);

    private volatile Frame? _frame;
    private readonly ConcurrentDictionary<(int Z, int X, int Y), byte[]> _cache = new();
    private (StreetlightIndex.Snapshot? Lamps, StreetlightStatus.Snapshot? Status) _cachedFor;
    private readonly Lock _cacheLock = new();

    /// <summary>The tile's bytes; empty when nothing is in it.</summary>
    public async Task<byte[]> TileAsync(int z, int x, int y, CancellationToken ct)
    {
        var lamps = await index.CurrentAsync(ct);
        var states = await status.CurrentAsync(ct);
        lock (_cacheLock)
        {
            if (!ReferenceEquals(_cachedFor.Lamps, lamps))
            {
                _cache.Clear();
                _cachedFor = (lamps, states);
            }
            else if (!ReferenceEquals(_cachedFor.Status, states))
            {
                // Only the tiles around what changed status are drawn again (a report darkens one lamp, not the town).
                if (_cachedFor.Status is StreetlightStatus.Snapshot before) Forget(lamps, before, states);
                else _cache.Clear();
                _cachedFor = (lamps, states);
            }
        }
        if (_cache.TryGetValue((z, x, y), out var hit)) return hit;
        var bytes = Encode(FrameOf(lamps), states, z, x, y);
        lock (_cacheLock)
        {
            // Kept only if nothing changed meanwhile: a tile drawn from older statuses must not outlive their change.
            if (ReferenceEquals(_cachedFor.Lamps, lamps) && ReferenceEquals(_cachedFor.Status, states))
            {
                if (_cache.Count >= MaxCached) _cache.Clear();
                _cache[(z, x, y)] = bytes;
            }
        }
        return bytes;
    }

    /// <summary>Drops the cached tiles (z10-z16, with their neighbours for the margins) over every lamp or circuit whose status changed.</summary>
    private void Forget(StreetlightIndex.Snapshot lamps, StreetlightStatus.Snapshot before, StreetlightStatus.Snapshot after)
    {
        var changed = before.NotNormal.Keys.Concat(after.NotNormal.Keys).Distinct(StringComparer.Ordinal)
            .Where(code => before.Of(code) != after.Of(code)).ToList();
        if (changed.Count > 5_000)
        {
            _cache.Clear();
            return;
        }
        foreach (var code in changed)
        {
            IEnumerable<int> members = lamps.ByCode.TryGetValue(code, out var i) ? [i]
                : lamps.CircuitLamps.TryGetValue(code, out var circuit) ? circuit : [];
            var places = members.Select(m => (lamps.All[m].Lon, lamps.All[m].Lat)).ToList();
            if (places.Count == 0) continue;
            var (west, east) = (places.Min(p => p.Lon), places.Max(p => p.Lon));
            var (south, north) = (places.Min(p => p.Lat), places.Max(p => p.Lat));
            for (var z = 10; z <= 16; z++)
            {
                var (x0, y0) = Live.LiveGroups.TileXY(west, north, z);
                var (x1, y1) = Live.LiveGroups.TileXY(east, south, z);
                for (var x = x0 - 1; x <= x1 + 1; x++)
                for (var y = y0 - 1; y <= y1 + 1; y++)
                    _cache.TryRemove((z, x, y), out _);
            }
        }
    }

    private Frame FrameOf(StreetlightIndex.Snapshot lamps)
    {
        var frame = _frame;
        if (frame is not null && ReferenceEquals(frame.Lamps, lamps)) return frame;
        var order = Enumerable.Range(0, lamps.All.Count).OrderBy(i => lamps.All[i].Lon).ToArray();
        frame = new Frame(lamps, order, order.Select(i => lamps.All[i].Lon).ToArray());
        _frame = frame;
        return frame;
    }

    private static byte[] Encode(Frame frame, StreetlightStatus.Snapshot states, int z, int x, int y)
    {
        // The margins ST_AsMVTGeom keeps in the SQL tiles: 16 of 4,096 for points (a lamp on the edge is drawn in both
        // neighbours), 64 for lines.
        var (west, south, east, north) = MvtWriter.Bounds(z, x, y, 16);
        var all = frame.Lamps.All;
        var writer = new MvtWriter(z, x, y);
        var points = writer.AddLayer("streetlights");
        void Add(int i)
        {
            var l = all[i];
            if (l.Lat < south || l.Lat > north || l.Lon < west || l.Lon > east) return;
            points.Point(l.Lon, l.Lat, [("code", l.Code), ("component", l.Component), ("status", states.Of(l.Code)), ("circuit_code", l.CircuitCode)],
                [("circuit_seq", l.CircuitSeq)]);
        }
        if (z >= LampsFromZoom)
        {
            var from = LowerBound(frame.Lons, west);
            for (var k = from; k < frame.Lons.Length && frame.Lons[k] <= east; k++) Add(frame.ByLon[k]);
        }
        else
        {
            foreach (var code in states.NotNormal.Keys)
                if (frame.Lamps.ByCode.TryGetValue(code, out var i)) Add(i);
        }
        var lines = writer.AddLayer("circuits");
        var (lw, ls, le, ln) = MvtWriter.Bounds(z, x, y, 64);
        foreach (var (code, state) in states.NotNormal)
        {
            if (!frame.Lamps.CircuitLamps.TryGetValue(code, out var members) || members.Length < 2) continue;
            double minX = double.MaxValue, minY = double.MaxValue, maxX = double.MinValue, maxY = double.MinValue;
            foreach (var i in members)
            {
                (minX, maxX) = (Math.Min(minX, all[i].Lon), Math.Max(maxX, all[i].Lon));
                (minY, maxY) = (Math.Min(minY, all[i].Lat), Math.Max(maxY, all[i].Lat));
            }
            if (maxX < lw || minX > le || maxY < ls || minY > ln) continue;
            lines.Line(members.Select(i => (all[i].Lon, all[i].Lat)).ToList(), [("code", code), ("status", state)]);
        }
        return writer.ToArray();
    }

    private static int LowerBound(double[] sorted, double value)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (sorted[mid] < value) lo = mid + 1; else hi = mid;
        }
        return lo;
    }
}
