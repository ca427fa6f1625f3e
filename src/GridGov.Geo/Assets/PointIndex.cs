namespace GridGov.Geo.Assets;

/// <summary>
/// Points (lamps, poles, cabinets) in square buckets of a local metric plane (equirectangular about the points' middle
/// latitude, well under 0.5 % off the geodesic across a county), for the nearest points to a spot within a radius.
/// Immutable once built; safe from any number of threads.
/// </summary>
public sealed class PointIndex
{
    private const double MetresPerDegreeLat = 110_574.0;

    private readonly double _perLon, _originLon, _originLat, _size;
    private readonly int _columns, _rows;
    private readonly int[] _bucketStart;
    private readonly int[] _items;
    private readonly double[] _x, _y;

    private PointIndex(double perLon, double originLon, double originLat, double size, int columns, int rows, int[] bucketStart, int[] items, double[] x, double[] y)
    {
        _perLon = perLon;
        _originLon = originLon;
        _originLat = originLat;
        _size = size;
        _columns = columns;
        _rows = rows;
        _bucketStart = bucketStart;
        _items = items;
        _x = x;
        _y = y;
    }

    public int Count => _x.Length;

    /// <summary>Indexes points given as lon/lat; a point's index in the list is its id in every answer.</summary>
    public static PointIndex Build(IReadOnlyList<(double Lon, double Lat)> points, double bucketSizeM = 50)
    {
        double minLon = 0, minLat = 0, maxLon = 0, maxLat = 0;
        if (points.Count > 0)
        {
            minLon = points.Min(p => p.Lon);
            maxLon = points.Max(p => p.Lon);
            minLat = points.Min(p => p.Lat);
            maxLat = points.Max(p => p.Lat);
        }
        var perLon = 111_320.0 * Math.Cos((minLat + maxLat) / 2 * Math.PI / 180);
        var columns = Math.Max(1, (int)Math.Ceiling((maxLon - minLon) * perLon / bucketSizeM) + 1);
        var rows = Math.Max(1, (int)Math.Ceiling((maxLat - minLat) * MetresPerDegreeLat / bucketSizeM) + 1);
        var x = new double[points.Count];
        var y = new double[points.Count];
        var count = new int[columns * rows + 1];
        var bucket = new int[points.Count];
        for (var i = 0; i < points.Count; i++)
        {
            x[i] = (points[i].Lon - minLon) * perLon;
            y[i] = (points[i].Lat - minLat) * MetresPerDegreeLat;
            bucket[i] = Math.Min(rows - 1, (int)(y[i] / bucketSizeM)) * columns + Math.Min(columns - 1, (int)(x[i] / bucketSizeM));
            count[bucket[i] + 1]++;
        }
        for (var b = 0; b < columns * rows; b++) count[b + 1] += count[b];
        var fill = count[..^1].ToArray();
        var items = new int[points.Count];
        for (var i = 0; i < points.Count; i++) items[fill[bucket[i]]++] = i;
        return new PointIndex(perLon, minLon, minLat, bucketSizeM, columns, rows, count, items, x, y);
    }

    /// <summary>Up to <paramref name="limit"/> points within <paramref name="radiusM"/> of a spot, nearest first (ties by id).</summary>
    public IReadOnlyList<(int Id, double DistanceM)> Nearest(double lon, double lat, double radiusM, int limit = 1, Func<int, bool>? where = null)
    {
        if (!double.IsFinite(lon) || !double.IsFinite(lat) || !(radiusM >= 0) || limit <= 0 || Count == 0) return [];
        var px = (lon - _originLon) * _perLon;
        var py = (lat - _originLat) * MetresPerDegreeLat;
        int c0 = (int)Math.Floor((px - radiusM) / _size), c1 = (int)Math.Floor((px + radiusM) / _size);
        int r0 = (int)Math.Floor((py - radiusM) / _size), r1 = (int)Math.Floor((py + radiusM) / _size);
        if (c1 < 0 || r1 < 0 || c0 >= _columns || r0 >= _rows) return [];
        c0 = Math.Max(0, c0);
        r0 = Math.Max(0, r0);
        c1 = Math.Min(_columns - 1, c1);
        r1 = Math.Min(_rows - 1, r1);
        var r2 = radiusM * radiusM;
        List<(int Id, double D2)>? found = null;
        (int Id, double D2) best = (-1, double.PositiveInfinity);
        for (var r = r0; r <= r1; r++)
        {
            for (var c = c0; c <= c1; c++)
            {
                var b = r * _columns + c;
                for (var k = _bucketStart[b]; k < _bucketStart[b + 1]; k++)
                {
                    var i = _items[k];
                    double dx = _x[i] - px, dy = _y[i] - py, d2 = dx * dx + dy * dy;
                    if (d2 > r2 || (where is not null && !where(i))) continue;
                    if (limit == 1)
                    {
                        if (d2 < best.D2 || (d2 == best.D2 && i < best.Id)) best = (i, d2);
                    }
                    else (found ??= []).Add((i, d2));
                }
            }
        }
        if (limit == 1) return best.Id < 0 ? [] : [(best.Id, Math.Sqrt(best.D2))];
        if (found is null) return [];
        found.Sort((a, b) => a.D2 != b.D2 ? a.D2.CompareTo(b.D2) : a.Id.CompareTo(b.Id));
        return found.Take(limit).Select(f => (f.Id, Math.Sqrt(f.D2))).ToList();
    }
}
