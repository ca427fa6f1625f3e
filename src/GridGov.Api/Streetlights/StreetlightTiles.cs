using System.Collections.Concurrent;
using NetTopologySuite.Features;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.VectorTiles;
using NetTopologySuite.IO.VectorTiles.Mapbox;
using Tile = NetTopologySuite.IO.VectorTiles.Tiles.Tile;

namespace GridGov.Api.Streetlights;

/// <summary>
/// The streetlights tile layer from memory: the lamps the index already holds, the statuses the status snapshot holds,
/// written as Mapbox Vector Tiles by NetTopologySuite.IO.VectorTiles. Two layers: <c>streetlights</c> (points: code,
/// component, status, circuit_code, circuit_seq; every lamp and cabinet from z13, below that only those not normal,
/// so a fault is never hidden by zoom) and <c>circuits</c> (the lamps of each faulted circuit as a line in cable order,
/// at every zoom). A tile is kept until the lamps or their statuses change. PostGIS holds the same data and the
/// statement it would take (<see cref="Tiles.TilesApi"/>'s former streetlights SQL) is what the benchmark compares.
/// </summary>
public sealed class StreetlightTiles(StreetlightIndex index, StreetlightStatus status)
{
    public const int LampsFromZoom = 13;
    private const int MaxCached = 20_000;

    private sealed record Frame(StreetlightIndex.Snapshot Lamps, int[] ByLon, double[] Lons);

    private volatile Frame? _frame;
    private readonly ConcurrentDictionary<(int Z, int X, int Y), byte[]> _cache = new();
    private (object? Lamps, object? Status) _cachedFor;
    private readonly Lock _cacheLock = new();
    private static readonly GeometryFactory LonLat = new(new PrecisionModel(), 4490);

    /// <summary>The tile's bytes; empty when nothing is in it.</summary>
    public async Task<byte[]> TileAsync(int z, int x, int y, CancellationToken ct)
    {
        var lamps = await index.CurrentAsync(ct);
        var states = await status.CurrentAsync(ct);
        lock (_cacheLock)
        {
            if (!ReferenceEquals(_cachedFor.Lamps, lamps) || !ReferenceEquals(_cachedFor.Status, states))
            {
                _cache.Clear();
                _cachedFor = (lamps, states);
            }
        }
        if (_cache.TryGetValue((z, x, y), out var hit)) return hit;
        var bytes = Encode(FrameOf(lamps), states, z, x, y);
        if (_cache.Count >= MaxCached) _cache.Clear();
        _cache[(z, x, y)] = bytes;
        return bytes;
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
        var tile = new Tile(x, y, z);
        // The margin ST_AsMVTGeom keeps in the SQL tiles (a buffer of 16 of 4,096): a lamp on the edge is drawn in both neighbours.
        var mx = (tile.Right - tile.Left) * 16 / 4096;
        var my = (tile.Top - tile.Bottom) * 16 / 4096;
        var (west, east, south, north) = (tile.Left - mx, tile.Right + mx, tile.Bottom - my, tile.Top + my);
        var all = frame.Lamps.All;
        var points = new Layer { Name = "streetlights" };
        void Add(int i)
        {
            var l = all[i];
            if (l.Lat < south || l.Lat > north || l.Lon < west || l.Lon > east) return;
            var attributes = new AttributesTable { { "code", l.Code }, { "component", l.Component }, { "status", states.Of(l.Code) } };
            if (l.CircuitCode is { } c) attributes.Add("circuit_code", c);
            if (l.CircuitSeq is { } s) attributes.Add("circuit_seq", s);
            points.Features.Add(new Feature(LonLat.CreatePoint(new Coordinate(l.Lon, l.Lat)), attributes));
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
        var lines = new Layer { Name = "circuits" };
        // Lines keep the wider buffer the SQL tiles give them (64 of 4,096).
        var box = new Envelope(tile.Left - 4 * mx, tile.Right + 4 * mx, tile.Bottom - 4 * my, tile.Top + 4 * my);
        foreach (var (code, state) in states.NotNormal)
        {
            if (!frame.Lamps.CircuitLamps.TryGetValue(code, out var members) || members.Length < 2) continue;
            var line = LonLat.CreateLineString(members.Select(i => new Coordinate(all[i].Lon, all[i].Lat)).ToArray());
            if (!line.EnvelopeInternal.Intersects(box)) continue;
            lines.Features.Add(new Feature(line, new AttributesTable { { "code", code }, { "status", state } }));
        }
        if (points.Features.Count == 0 && lines.Features.Count == 0) return [];
        var vt = new VectorTile { TileId = tile.Id };
        if (points.Features.Count > 0) vt.Layers.Add(points);
        if (lines.Features.Count > 0) vt.Layers.Add(lines);
        using var stream = new MemoryStream();
        vt.Write(stream, MapboxTileWriter.DefaultMinLinealExtent, MapboxTileWriter.DefaultMinPolygonalExtent, 4096);
        return stream.ToArray();
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
