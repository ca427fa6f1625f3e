using GridGov.Geo.Coordinates;
using NetTopologySuite.Algorithm.Construct;
using NetTopologySuite.Geometries;

namespace GridGov.Geo.Grids;

/// <summary>Small geometry helpers the coverage cleaner and edits share. Pure; thread-safe.</summary>
internal static class CoverageGeometry
{
    public static readonly GeometryFactory Factory = new(new PrecisionModel(), GaussKruger.Cgcs2000Srid);

    /// <summary>The rings of every polygon of a Polygon or MultiPolygon (others give none), closed, without repeated points.</summary>
    public static List<Coordinate[]> Rings(Geometry geometry)
    {
        var rings = new List<Coordinate[]>();
        for (var i = 0; i < geometry.NumGeometries; i++)
        {
            if (geometry.GetGeometryN(i) is not Polygon { IsEmpty: false } polygon) continue;
            Add(polygon.ExteriorRing);
            foreach (var hole in polygon.InteriorRings) Add(hole);
        }
        return rings;

        void Add(LineString ring)
        {
            var list = new List<Coordinate>(ring.NumPoints);
            foreach (var c in ring.Coordinates)
                if (list.Count == 0 || !list[^1].Equals2D(c)) list.Add(c);
            if (list.Count >= 4) rings.Add([.. list]);
        }
    }

    /// <summary>The same grid: identical rings (vertex for vertex) up to start vertex, orientation and order.</summary>
    public static bool Same(Geometry a, Geometry b)
    {
        if (a.NumGeometries != b.NumGeometries) return false;
        if (Polygonal(a) is Polygon pa && Polygonal(b) is Polygon pb)
        {
            if (pa.NumInteriorRings != pb.NumInteriorRings || !SameRing(pa.Shell.Coordinates, pb.Shell.Coordinates)) return false;
            var holes = pb.Holes.Select(h => h.Coordinates).ToList();
            foreach (var hole in pa.Holes)
            {
                var match = holes.FindIndex(h => SameRing(hole.Coordinates, h));
                if (match < 0) return false;
                holes.RemoveAt(match);
            }
            return true;
        }
        return Polygonal(a).Normalized().EqualsExact(Polygonal(b).Normalized());
    }

    private static Geometry Polygonal(Geometry g) => g is MultiPolygon { NumGeometries: 1 } m ? m.GetGeometryN(0) : g;

    /// <summary>Closed rings with the same vertices in the same cyclic order, either way round.</summary>
    private static bool SameRing(Coordinate[] a, Coordinate[] b)
    {
        var n = a.Length - 1;
        if (b.Length - 1 != n || n <= 0) return false;
        for (var k = 0; k < n; k++)
        {
            if (!b[k].Equals2D(a[0])) continue;
            var forward = true;
            for (var i = 1; i < n && forward; i++) forward = a[i].Equals2D(b[(k + i) % n]);
            if (forward) return true;
            var backward = true;
            for (var i = 1; i < n && backward; i++) backward = a[i].Equals2D(b[(k - i + n) % n]);
            if (backward) return true;
        }
        return false;
    }

    /// <summary>Area in m² in the Gauss-Krüger zone of the coverage.</summary>
    public static double AreaM2(Geometry geometry, GaussKruger gk) => geometry.IsEmpty ? 0 : gk.Project(geometry).Area;

    /// <summary>A copy in local metres around the geometry's centre (east, north), for widths.</summary>
    public static Geometry ToLocalMetres(Geometry geometry)
    {
        var centre = geometry.EnvelopeInternal.Centre;
        var (kx, ky) = LocalMetric.At(centre.Y);
        var copy = geometry.Copy();
        copy.Apply(new LocalFilter(centre, kx, ky));
        copy.GeometryChanged();
        return copy;
    }

    private sealed class LocalFilter(Coordinate centre, double kx, double ky) : ICoordinateSequenceFilter
    {
        public bool Done => false;
        public bool GeometryChanged => true;

        public void Filter(CoordinateSequence seq, int i)
        {
            seq.SetX(i, (seq.GetX(i) - centre.X) * kx);
            seq.SetY(i, (seq.GetY(i) - centre.Y) * ky);
        }
    }

    /// <summary>
    /// Whether a polygon is narrower than <paramref name="widthM"/>: the diameter of its largest inscribed circle is
    /// below it. Cheap bounds first (the circle fits in the envelope and has at most the polygon's area), then
    /// NetTopologySuite's <see cref="MaximumInscribedCircle"/> in local metres.
    /// </summary>
    public static (bool Narrow, double? WidthM) Narrower(Polygon polygon, double widthM)
    {
        if (widthM <= 0) return (false, null);
        var env = polygon.EnvelopeInternal;
        var (kx, ky) = LocalMetric.At(env.Centre.Y);
        if (Math.Min(env.Width * kx, env.Height * ky) < widthM) return (true, null);
        var local = ToLocalMetres(polygon);
        if (2 * Math.Sqrt(local.Area / Math.PI) < widthM) return (true, null);
        var width = 2 * MaximumInscribedCircle.GetRadiusLine(local, widthM / 100).Length;
        return (width < widthM, width);
    }

    /// <summary>An envelope grown by a distance in metres (at its latitude).</summary>
    public static Envelope Grow(Envelope envelope, double metres)
    {
        var (kx, ky) = LocalMetric.At(envelope.Centre.Y);
        var grown = new Envelope(envelope);
        grown.ExpandBy(metres / kx, metres / ky);
        return grown;
    }

    /// <summary>Degrees of longitude for a distance in metres at a latitude (the shorter degree, so the distance holds
    /// in every direction).</summary>
    public static double Degrees(double metres, double latitude) => metres / LocalMetric.At(latitude).Kx;

    public static GaussKruger Zone(IEnumerable<Geometry> geometries)
    {
        var g = geometries.FirstOrDefault(x => !x.IsEmpty);
        return GaussKruger.ForLongitude(g?.EnvelopeInternal.Centre.X ?? 117);
    }

    public static string List(IEnumerable<string> codes) => string.Join(", ", codes);
}
