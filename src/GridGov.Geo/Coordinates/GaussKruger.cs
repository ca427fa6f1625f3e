using NetTopologySuite.Geometries;
using ProjNet.CoordinateSystems;
using ProjNet.CoordinateSystems.Transformations;

namespace GridGov.Geo.Coordinates;

/// <summary>
/// CGCS2000 3-degree Gauss-Krüger projection (EPSG:4534-4554, "CM nnnE" variants without zone prefix)
/// for metric work: areas, buffers, distances. The zone is chosen from the longitude.
/// Instances are immutable; <see cref="Forward"/> and <see cref="Inverse"/> may be called from any thread.
/// </summary>
public sealed class GaussKruger
{
    public const int Cgcs2000Srid = 4490;

    private readonly MathTransform _forward;
    private readonly MathTransform _inverse;

    private GaussKruger(int centralMeridian, MathTransform forward, MathTransform inverse)
    {
        CentralMeridian = centralMeridian;
        _forward = forward;
        _inverse = inverse;
    }

    public int CentralMeridian { get; }

    /// <summary>EPSG code of the matching "CGCS2000 / 3-degree Gauss-Kruger CM nnnE" system.</summary>
    public int Epsg => 4534 + (CentralMeridian / 3 - 25);

    /// <summary>The 3-degree zone whose central meridian is nearest to <paramref name="longitude"/>.</summary>
    public static GaussKruger ForLongitude(double longitude)
    {
        if (longitude is < 73.5 or > 136.5)
            throw new ArgumentOutOfRangeException(nameof(longitude), longitude, "CGCS2000 3-degree zones cover 73.5E to 136.5E.");
        var cm = (int)Math.Round(longitude / 3.0) * 3;
        return Zones.GetOrAdd(cm, Create);
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<int, GaussKruger> Zones = new();

    private static GaussKruger Create(int cm)
    {
        var factory = new CoordinateSystemFactory();
        var ellipsoid = factory.CreateFlattenedSphere("CGCS2000", 6378137.0, 298.257222101, LinearUnit.Metre);
        var datum = factory.CreateHorizontalDatum("China_2000", DatumType.HD_Geocentric, ellipsoid, null);
        var geographic = factory.CreateGeographicCoordinateSystem("CGCS2000", AngularUnit.Degrees, datum,
            PrimeMeridian.Greenwich, new AxisInfo("Lon", AxisOrientationEnum.East), new AxisInfo("Lat", AxisOrientationEnum.North));
        var projection = factory.CreateProjection("Gauss-Kruger CM " + cm, "Transverse_Mercator",
        [
            new ProjectionParameter("latitude_of_origin", 0),
            new ProjectionParameter("central_meridian", cm),
            new ProjectionParameter("scale_factor", 1),
            new ProjectionParameter("false_easting", 500000),
            new ProjectionParameter("false_northing", 0),
        ]);
        var projected = factory.CreateProjectedCoordinateSystem($"CGCS2000 / 3-degree Gauss-Kruger CM {cm}E", geographic,
            projection, LinearUnit.Metre, new AxisInfo("East", AxisOrientationEnum.East), new AxisInfo("North", AxisOrientationEnum.North));
        var transform = new CoordinateTransformationFactory().CreateFromCoordinateSystems(geographic, projected);
        return new GaussKruger(cm, transform.MathTransform, transform.MathTransform.Inverse());
    }

    /// <summary>lon/lat degrees → easting/northing metres.</summary>
    public (double X, double Y) Forward(double lon, double lat) => _forward.Transform(lon, lat);

    /// <summary>easting/northing metres → lon/lat degrees.</summary>
    public (double Lon, double Lat) Inverse(double x, double y) => _inverse.Transform(x, y);

    /// <summary>A copy of <paramref name="geometry"/> with every coordinate projected to metres.</summary>
    public Geometry Project(Geometry geometry) => Apply(geometry, Forward, 0);

    /// <summary>A copy of <paramref name="geometry"/> back in lon/lat, SRID 4490.</summary>
    public Geometry Unproject(Geometry geometry) => Apply(geometry, (x, y) => Inverse(x, y), Cgcs2000Srid);

    private static Geometry Apply(Geometry geometry, Func<double, double, (double, double)> map, int srid)
    {
        var copy = geometry.Copy();
        copy.Apply(new CoordinateMapper(map));
        copy.GeometryChanged();
        copy.SRID = srid;
        return copy;
    }

    private sealed class CoordinateMapper(Func<double, double, (double, double)> map) : ICoordinateSequenceFilter
    {
        public bool Done => false;
        public bool GeometryChanged => true;

        public void Filter(CoordinateSequence seq, int i)
        {
            var (x, y) = map(seq.GetX(i), seq.GetY(i));
            seq.SetX(i, x);
            seq.SetY(i, y);
        }
    }
}
