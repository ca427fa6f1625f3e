using System.Globalization;
using System.Text.Json;
using GridGov.Geo.Coordinates;
using System.Text.Json.Serialization;
using MessagePack;

namespace GridGov.Api.Live;

/// <summary>One fix as a device sends it (POST /api/positions item, or the hub's Report, read by <see cref="HubArguments"/>).</summary>
[JsonConverter(typeof(PositionReportJson))]
[MessagePackFormatter(typeof(PositionReportMessagePack))]
public sealed record PositionReport(int CrewId, double Lon, double Lat, DateTimeOffset T, double? AccuracyM);

/// <summary>The verdict on one item of a batch: accepted, duplicate (stored before: a retry), or rejected with a reason.</summary>
[MessagePackObject]
public sealed record PositionResult(
    [property: Key("index")] int Index, [property: Key("crewId")] int? CrewId, [property: Key("status")] string Status,
    [property: Key("reason")] string? Reason = null, [property: Key("detail")] string? Detail = null)
{
    public const string Accepted = "accepted";
    public const string Duplicate = "duplicate";
    public const string Rejected = "rejected";
}

/// <summary>The 202 body of POST /api/positions.</summary>
[MessagePackObject]
public sealed record PositionsResponse(
    [property: Key("accepted")] int Accepted, [property: Key("duplicates")] int Duplicates, [property: Key("rejected")] int Rejected,
    [property: Key("results")] IReadOnlyList<PositionResult> Results);

/// <summary>Who posts: a crew may post only its own fixes; the simulator and admins any crew's.</summary>
public sealed record PositionPoster(string Name, int? OnlyCrewId);

/// <summary>
/// The checks of a position batch that need no history (shape, range, clock, accuracy, crew, permission), then the
/// hand-off to <see cref="PositionWriter"/> for the ordered checks and the write. Thread-safe.
/// </summary>
public sealed class PositionIngest(CrewDirectory crews, PositionWriter writer, LiveSettings settings, TimeProvider clock)
{
    /// <summary>Parses and checks a JSON batch item by item: a malformed item is rejected, the rest go on.</summary>
    /// <remarks>
    /// Coordinates are WGS84/CGCS2000 unless <paramref name="crs"/> (the batch's, from the query) or an item's own
    /// <c>crs</c> names GCJ-02 or BD-09; they are converted before any check.
    /// </remarks>
    public async Task<PositionsResponse> SubmitJsonAsync(JsonElement batch, PositionPoster poster, InputCrs crs, CancellationToken ct)
    {
        var results = new PositionResult?[batch.GetArrayLength()];
        var candidates = new List<(int Index, PositionReport Fix)>(results.Length);
        var i = 0;
        foreach (var item in batch.EnumerateArray())
        {
            if (TryParse(item, crs, out var fix, out var crewId, out var why)) candidates.Add((i, fix));
            else results[i] = new PositionResult(i, crewId, PositionResult.Rejected, "malformed", why);
            i++;
        }
        return await SubmitAsync(candidates, results, poster, ct);
    }

    /// <summary>Checks and writes fixes given in <paramref name="crs"/> (converted to WGS84 first).</summary>
    public Task<PositionsResponse> SubmitAsync(IReadOnlyList<PositionReport?> fixes, PositionPoster poster, InputCrs crs, CancellationToken ct)
    {
        var results = new PositionResult?[fixes.Count];
        var candidates = new List<(int, PositionReport)>(fixes.Count);
        for (var i = 0; i < fixes.Count; i++)
        {
            if (fixes[i] is { } f) candidates.Add((i, InWgs84(f, crs)));
            else results[i] = new PositionResult(i, null, PositionResult.Rejected, "malformed", "The item is null; send { crewId, lon, lat, t, accuracyM? }.");
        }
        return SubmitAsync(candidates, results, poster, ct);
    }

    private async Task<PositionsResponse> SubmitAsync(List<(int Index, PositionReport Fix)> candidates, PositionResult?[] results, PositionPoster poster, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var checkedFixes = new List<(int Index, PositionReport Fix)>(candidates.Count);
        foreach (var (index, raw) in candidates)
        {
            // PostgreSQL keeps microseconds: compare and store fixes at that precision, so a resend matches its row.
            var fix = raw with { T = new DateTimeOffset(raw.T.UtcTicks - raw.T.UtcTicks % 10, TimeSpan.Zero) };
            var crew = await crews.FindAsync(fix.CrewId, ct);
            var reject = crew is null ? ("unknownCrew", $"There is no crew {fix.CrewId}; see GET /api/crews.")
                : poster.OnlyCrewId is { } own && own != fix.CrewId ? ("forbidden", $"You are crew {own}; a crew may post only its own positions, not crew {fix.CrewId}'s.")
                : Check(fix, now);
            if (reject is var (reason, detail) && reason is not null)
                results[index] = new PositionResult(index, fix.CrewId, PositionResult.Rejected, reason, detail);
            else checkedFixes.Add((index, fix));
        }
        if (checkedFixes.Count > 0)
        {
            var written = await writer.SubmitAsync(checkedFixes, ct);
            foreach (var r in written) results[r.Index] = r;
        }
        var all = results.Select((r, i) => r ?? new PositionResult(i, null, PositionResult.Rejected, "malformed", "Not checked.")).ToArray();
        return new PositionsResponse(
            all.Count(r => r.Status == PositionResult.Accepted), all.Count(r => r.Status == PositionResult.Duplicate),
            all.Count(r => r.Status == PositionResult.Rejected), all);
    }

    /// <summary>The checks that need only the fix and the clock; (null, null) when it passes.</summary>
    internal (string? Reason, string? Detail) Check(PositionReport fix, DateTimeOffset now)
    {
        if (!double.IsFinite(fix.Lon) || !double.IsFinite(fix.Lat) || fix.Lon is < -180 or > 180 || fix.Lat is < -90 or > 90)
            return ("outOfRange", $"lon {fix.Lon.ToString(CultureInfo.InvariantCulture)}, lat {fix.Lat.ToString(CultureInfo.InvariantCulture)} is not a WGS84/CGCS2000 position (lon -180..180, lat -90..90).");
        if (fix.T > now.AddSeconds(settings.MaxFutureSeconds))
            return ("future", $"t {fix.T:O} is {(fix.T - now).TotalSeconds:0} s ahead of the server clock (at most {settings.MaxFutureSeconds:0} s); check the device's clock.");
        if (fix.T < now.AddDays(-settings.RetentionDays))
            return ("tooOld", $"t {fix.T:O} is older than the {settings.RetentionDays}-day position history.");
        if (fix.AccuracyM is { } a && (!double.IsFinite(a) || a < 0))
            return ("malformed", "'accuracyM' must be a non-negative number of metres.");
        if (fix.AccuracyM > settings.MaxAccuracyM)
            return ("poorAccuracy", $"accuracy {fix.AccuracyM:0} m is worse than the {settings.MaxAccuracyM:0} m accepted.");
        return (null, null);
    }

    /// <summary>The fix in WGS84; a position outside the valid range is left for <see cref="Check"/> to refuse.</summary>
    private static PositionReport InWgs84(PositionReport fix, InputCrs crs)
    {
        if (crs == InputCrs.Wgs84 || !double.IsFinite(fix.Lon) || !double.IsFinite(fix.Lat) || fix.Lon is < -180 or > 180 || fix.Lat is < -90 or > 90)
            return fix;
        var (lon, lat) = ChinaOffsets.ToWgs84(crs, fix.Lon, fix.Lat);
        return fix with { Lon = lon, Lat = lat };
    }

    private static bool TryParse(JsonElement item, InputCrs batchCrs, out PositionReport fix, out int? crewId, out string why)
    {
        fix = null!;
        crewId = null;
        why = "";
        if (item.ValueKind != JsonValueKind.Object)
        {
            why = $"The item is {item.ValueKind.ToString().ToLowerInvariant()}, not an object {{ crewId, lon, lat, t, accuracyM? }}.";
            return false;
        }
        if (!Property(item, "crewId", out var c) || c.ValueKind != JsonValueKind.Number || !c.TryGetInt32(out var id))
        {
            why = "'crewId' is required and must be an integer.";
            return false;
        }
        crewId = id;
        if (!Number(item, "lon", out var lon) || !Number(item, "lat", out var lat))
        {
            why = "'lon' and 'lat' are required numbers (degrees, WGS84/CGCS2000).";
            return false;
        }
        DateTimeOffset t;
        if (!Property(item, "t", out var te))
        {
            why = "'t' is required: the fix's time, ISO 8601 with an offset (e.g. 2026-11-24T08:30:00Z) or Unix milliseconds.";
            return false;
        }
        if (te.ValueKind == JsonValueKind.Number && te.TryGetInt64(out var ms) && ms is > 0 and < 253_402_300_799_999)
            t = DateTimeOffset.FromUnixTimeMilliseconds(ms);
        else if (te.ValueKind != JsonValueKind.String || !DateTimeOffset.TryParse(te.GetString(), CultureInfo.InvariantCulture,
                     DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out t))
        {
            why = $"'t' ({te.GetRawText()}) is not a time: use ISO 8601 with an offset (e.g. 2026-11-24T08:30:00Z) or Unix milliseconds.";
            return false;
        }
        double? accuracy = null;
        if (Property(item, "accuracyM", out var ae) && ae.ValueKind != JsonValueKind.Null)
        {
            if (ae.ValueKind != JsonValueKind.Number)
            {
                why = "'accuracyM' must be a number of metres.";
                return false;
            }
            accuracy = ae.GetDouble();
        }
        var crs = batchCrs;
        if (Property(item, "crs", out var ce) && ce.ValueKind != JsonValueKind.Null
            && (ce.ValueKind != JsonValueKind.String || !ChinaOffsets.TryParse(ce.GetString(), out crs)))
        {
            why = $"'crs' ({ce.GetRawText()}) must be one of wgs84, cgcs2000, gcj02, bd09.";
            return false;
        }
        fix = InWgs84(new PositionReport(id, lon, lat, t, accuracy), crs);
        return true;
    }

    private static bool Number(JsonElement item, string name, out double value)
    {
        value = 0;
        return Property(item, name, out var e) && e.ValueKind == JsonValueKind.Number && e.TryGetDouble(out value);
    }

    private static bool Property(JsonElement item, string name, out JsonElement value)
    {
        foreach (var p in item.EnumerateObject())
        {
            if (string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                value = p.Value;
                return true;
            }
        }
        value = default;
        return false;
    }
}
