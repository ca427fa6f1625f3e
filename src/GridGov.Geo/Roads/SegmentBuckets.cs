using NetTopologySuite.Geometries;

namespace GridGov.Geo.Roads;

/// <summary>
/// Road segments in square buckets of a local metric plane (equirectangular about the network's middle latitude,
/// well under 0.1% off across a county), for snapping a point to the nearest road. Immutable; thread-safe.
/// </summary>
internal sealed class SegmentBuckets
{
    private const double MetresPerDegreeLat = 110_574.0;

    private readonly double _metresPerDegreeLon;
    private readonly double _originLon;
    private readonly double _originLat;
    private readonly double _size;
    private readonly int _columns;
    private readonly int _rows;
    private readonly int[] _bucketStart;
    private readonly int[] _bucketSegments;
    // Per segment: its edge, its end points in metres, and the edge length before it (metres, scaled to LengthM).
    private readonly int[] _segEdge;
    private readonly double[] _ax, _ay, _bx, _by;
    private readonly double[] _alongStart;
    private readonly double[] _scale;
    // Segments of edge e are [_edgeSegStart[e], _edgeSegStart[e + 1]) (they are added edge by edge).
    private readonly int[] _edgeSegStart;

    private SegmentBuckets(double metresPerDegreeLon, double originLon, double originLat, double size, int columns, int rows,
        int edgeCount, int[] bucketStart, int[] bucketSegments, int[] segEdge, double[] ax, double[] ay, double[] bx, double[] by, double[] alongStart, double[] scale)
    {
        _metresPerDegreeLon = metresPerDegreeLon;
        _originLon = originLon;
        _originLat = originLat;
        _size = size;
        _columns = columns;
        _rows = rows;
        _bucketStart = bucketStart;
        _bucketSegments = bucketSegments;
        _segEdge = segEdge;
        _ax = ax;
        _ay = ay;
        _bx = bx;
        _by = by;
        _alongStart = alongStart;
        _scale = scale;
        _edgeSegStart = new int[edgeCount + 1];
        for (var i = 0; i < segEdge.Length; i++) _edgeSegStart[segEdge[i] + 1]++;
        for (var e = 0; e < edgeCount; e++) _edgeSegStart[e + 1] += _edgeSegStart[e];
    }

    /// <summary>The local plane's metres per degree of longitude and latitude, and its origin.</summary>
    public double MetresPerDegreeLon => _metresPerDegreeLon;
    public static double MetresPerDegreeLatitude => MetresPerDegreeLat;
    public double OriginLon => _originLon;
    public double OriginLat => _originLat;

    public (double X, double Y) ToPlane(double lon, double lat) => ((lon - _originLon) * _metresPerDegreeLon, (lat - _originLat) * MetresPerDegreeLat);

    public (double Lon, double Lat) ToLonLat(double x, double y) => (x / _metresPerDegreeLon + _originLon, y / MetresPerDegreeLat + _originLat);

    /// <summary>The first segment of an edge and one past its last.</summary>
    public (int First, int End) SegmentsOf(int edge) => (_edgeSegStart[edge], _edgeSegStart[edge + 1]);

    /// <summary>A segment's end points in the plane, the edge length before it, and its plane length in edge metres (scale).</summary>
    public (double Ax, double Ay, double Bx, double By, double AlongStart, double Scale) Segment(int s) =>
        (_ax[s], _ay[s], _bx[s], _by[s], _alongStart[s], _scale[s]);

    /// <summary>Bytes held by the index (for the benchmark's memory figure).</summary>
    public long Bytes => (long)_bucketStart.Length * 4 + _bucketSegments.Length * 4L + _segEdge.Length * (4L + 6 * 8) + _edgeSegStart.Length * 4L;

    public static SegmentBuckets Build(IReadOnlyList<Coordinate[]> edges, double[] edgeLengthM, double size)
    {
        var all = edges.SelectMany(e => e).ToList();
        double minLon = all.Count == 0 ? 0 : all.Min(c => c.X), minLat = all.Count == 0 ? 0 : all.Min(c => c.Y);
        double maxLon = all.Count == 0 ? 0 : all.Max(c => c.X), maxLat = all.Count == 0 ? 0 : all.Max(c => c.Y);
        var perLon = 111_320.0 * Math.Cos((minLat + maxLat) / 2 * Math.PI / 180);
        var columns = Math.Max(1, (int)Math.Ceiling((maxLon - minLon) * perLon / size) + 1);
        var rows = Math.Max(1, (int)Math.Ceiling((maxLat - minLat) * MetresPerDegreeLat / size) + 1);

        var segEdge = new List<int>();
        var ax = new List<double>();
        var ay = new List<double>();
        var bx = new List<double>();
        var by = new List<double>();
        var alongStart = new List<double>();
        var scale = new List<double>();
        for (var e = 0; e < edges.Count; e++)
        {
            var pts = edges[e].Select(c => ((c.X - minLon) * perLon, (c.Y - minLat) * MetresPerDegreeLat)).ToArray();
            var planar = 0.0;
            for (var i = 1; i < pts.Length; i++) planar += Dist(pts[i - 1], pts[i]);
            // Distances along the edge are reported in the edge's own length (the graph's weights), not planar metres.
            var k = planar > 0 ? edgeLengthM[e] / planar : 0;
            var along = 0.0;
            for (var i = 1; i < pts.Length; i++)
            {
                segEdge.Add(e);
                ax.Add(pts[i - 1].Item1);
                ay.Add(pts[i - 1].Item2);
                bx.Add(pts[i].Item1);
                by.Add(pts[i].Item2);
                alongStart.Add(along * k);
                scale.Add(k);
                along += Dist(pts[i - 1], pts[i]);
            }
        }

        var buckets = new List<int>[columns * rows];
        for (var s = 0; s < segEdge.Count; s++)
        {
            int c0 = Clamp((int)(Math.Min(ax[s], bx[s]) / size), columns), c1 = Clamp((int)(Math.Max(ax[s], bx[s]) / size), columns);
            int r0 = Clamp((int)(Math.Min(ay[s], by[s]) / size), rows), r1 = Clamp((int)(Math.Max(ay[s], by[s]) / size), rows);
            for (var r = r0; r <= r1; r++)
                for (var c = c0; c <= c1; c++)
                    (buckets[r * columns + c] ??= []).Add(s);
        }
        var start = new int[buckets.Length + 1];
        for (var b = 0; b < buckets.Length; b++) start[b + 1] = start[b] + (buckets[b]?.Count ?? 0);
        var flat = new int[start[^1]];
        for (var b = 0; b < buckets.Length; b++) buckets[b]?.CopyTo(flat, start[b]);
        return new SegmentBuckets(perLon, minLon, minLat, size, columns, rows, edges.Count, start, flat,
            segEdge.ToArray(), ax.ToArray(), ay.ToArray(), bx.ToArray(), by.ToArray(), alongStart.ToArray(), scale.ToArray());
    }

    public RoadSnap? Nearest(double lon, double lat, double maxDistanceM)
    {
        if (!double.IsFinite(lon) || !double.IsFinite(lat) || !(maxDistanceM >= 0)) return null;
        var x = (lon - _originLon) * _metresPerDegreeLon;
        var y = (lat - _originLat) * MetresPerDegreeLat;
        // Most points lie near a road: look close first, and only widen to the full radius when nothing is that close.
        var near = Math.Min(maxDistanceM, _size / 2);
        return Scan(x, y, near) is { } hit && hit.OffsetM <= near ? hit : near < maxDistanceM ? Scan(x, y, maxDistanceM) : null;
    }

    private RoadSnap? Scan(double x, double y, double maxDistanceM)
    {
        int c0 = (int)Math.Floor((x - maxDistanceM) / _size), c1 = (int)Math.Floor((x + maxDistanceM) / _size);
        int r0 = (int)Math.Floor((y - maxDistanceM) / _size), r1 = (int)Math.Floor((y + maxDistanceM) / _size);
        if (c1 < 0 || r1 < 0 || c0 >= _columns || r0 >= _rows) return null;
        c0 = Math.Max(c0, 0);
        r0 = Math.Max(r0, 0);
        c1 = Math.Min(c1, _columns - 1);
        r1 = Math.Min(r1, _rows - 1);

        var best = -1;
        double bestDistance = double.PositiveInfinity, bestT = 0;
        for (var r = r0; r <= r1; r++)
        {
            for (var c = c0; c <= c1; c++)
            {
                var b = r * _columns + c;
                for (var k = _bucketStart[b]; k < _bucketStart[b + 1]; k++)
                {
                    var s = _bucketSegments[k];
                    double dx = _bx[s] - _ax[s], dy = _by[s] - _ay[s];
                    var len2 = dx * dx + dy * dy;
                    var t = len2 > 0 ? Math.Clamp(((x - _ax[s]) * dx + (y - _ay[s]) * dy) / len2, 0, 1) : 0;
                    double px = _ax[s] + t * dx - x, py = _ay[s] + t * dy - y;
                    var d = Math.Sqrt(px * px + py * py);
                    if (d < bestDistance)
                    {
                        best = s;
                        bestDistance = d;
                        bestT = t;
                    }
                }
            }
        }
        if (best < 0 || bestDistance > maxDistanceM) return null;
        var segLength = Math.Sqrt(Math.Pow(_bx[best] - _ax[best], 2) + Math.Pow(_by[best] - _ay[best], 2));
        return new RoadSnap(_segEdge[best], bestDistance, _alongStart[best] + bestT * segLength * _scale[best]);
    }

    private static int Clamp(int v, int count) => Math.Clamp(v, 0, count - 1);

    private static double Dist((double X, double Y) a, (double X, double Y) b) => Math.Sqrt(Math.Pow(b.X - a.X, 2) + Math.Pow(b.Y - a.Y, 2));
}
