using System.Globalization;
using GridGov.Geo.Coordinates;

namespace GridGov.Api.Platform;

/// <summary>Collects field errors and answers them as one validation problem (400, <c>errors</c> by field).</summary>
public sealed class Validation
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool IsValid => _errors.Count == 0;

    public IReadOnlyDictionary<string, List<string>> Errors => _errors;

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list)) _errors[field] = list = [];
        list.Add(message);
    }

    /// <summary>The validation problem of one field, for a request refused before anything else was checked.</summary>
    public static IResult Problem(string field, string message)
    {
        var v = new Validation();
        v.Add(field, message);
        return v.Problem();
    }

    public IResult Problem(string? detail = null) => TypedResults.ValidationProblem(
        _errors.ToDictionary(e => e.Key, e => e.Value.ToArray()),
        detail: detail ?? string.Join(" ", _errors.SelectMany(e => e.Value)));

    /// <summary>Parses a required decimal-degree query value within [-limit, limit].</summary>
    public double? Degrees(string field, string? raw, double limit)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            Add(field, $"'{field}' is required (decimal degrees).");
            return null;
        }
        if (!double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            Add(field, $"'{field}' must be a number in decimal degrees, not '{Clip(raw)}'.");
            return null;
        }
        if (Math.Abs(value) > limit)
        {
            Add(field, $"'{field}' must lie between -{limit} and {limit}; got {value.ToString(CultureInfo.InvariantCulture)}.");
            return null;
        }
        return value;
    }

    /// <summary>Parses lon/lat and an optional crs name, converting GCJ-02/BD-09 input to WGS84.</summary>
    public (double Lon, double Lat)? LonLat(string? lon, string? lat, string? crs)
    {
        var x = Degrees("lon", lon, 180);
        var y = Degrees("lat", lat, 90);
        if (!ChinaOffsets.TryParse(crs, out var inputCrs))
            Add("crs", $"'crs' must be one of wgs84, cgcs2000, gcj02, bd09; got '{Clip(crs ?? "")}'.");
        if (x is null || y is null || !IsValid) return null;
        return ChinaOffsets.ToWgs84(inputCrs, x.Value, y.Value);
    }

    /// <summary>A caller's value quoted back in a message: at most 40 characters.</summary>
    public static string Clip(string s) => s.Length > 40 ? s[..40] + "…" : s;
}
