using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using GridGov.Api.Auth;
using GridGov.Api.Grids;
using GridGov.Api.Platform;
using GridGov.Api.Teams;
using GridGov.Geo.Coordinates;

namespace GridGov.Api.Incidents;

/// <summary>Configuration section <c>Incidents</c>.</summary>
public sealed class IncidentsSettings
{
    public double DuplicateRadiusM { get; set; } = 50;
    public double DuplicateWindowHours { get; set; } = 24;
    /// <summary>Outside every grid, the nearest grid within this distance takes the case; beyond it, unrouted.</summary>
    public double NearestGridFallbackM { get; set; } = 200;
    public int MaxDescriptionLength { get; set; } = 4000;
    /// <summary>Anonymous resident reports accepted per client address per minute.</summary>
    public int ResidentPermitsPerMinute { get; set; } = 20;
    /// <summary>Open311 reports accepted per API key per minute.</summary>
    public int Open311PermitsPerMinute { get; set; } = 600;
    /// <summary>Sources whose report is already checked by an inspector: registered (立案) at intake.</summary>
    public IncidentSource[] AutoRegisterSources { get; set; } = [IncidentSource.Patrol, IncidentSource.Sensor, IncidentSource.Leader];
    public int WriteBatchSize { get; set; } = 256;
    /// <summary>Parallel intake writers; categories are partitioned among them.</summary>
    public int Writers { get; set; } = 2;
    /// <summary>How long intake keeps retrying a batch while the database is away before answering 503.</summary>
    public double WriteRetrySeconds { get; set; } = 30;
    public double OverdueScanSeconds { get; set; } = 30;
    /// <summary>Rows per page of a JSON list (/api/lists/...) when the caller names no pageSize; CSV exports are never paged.</summary>
    public int ListPageSize { get; set; } = 1000;
    /// <summary>The largest pageSize a caller may ask of a JSON list.</summary>
    public int MaxListPageSize { get; set; } = 10_000;
    /// <summary>A list's total is counted up to this many rows; beyond, it is the planner's estimate, marked totalIsEstimate.</summary>
    public int ExactTotalUpTo { get; set; } = 10_000;
}

/// <summary>The body of POST /api/incidents (CONTRACT.md).</summary>
public sealed record IncidentRequest(
    string? ClientRequestId, string? Category, string? Source, double? Lon, double? Lat,
    string? Description, string? AssetCode, string? Crs, string? Phone = null);

public sealed record Routing(RoutingRule Rule, double? DistanceM, string Note);

public sealed record DuplicateRef(long Id, IncidentStatus Status);

/// <summary>What intake answers (201 on create, 200 on a retry of the same request).</summary>
public sealed record IncidentCreated(
    long Id, IncidentStatus Status, string? UnitGridCode, string? LargeGridCode, int? TeamId, CrewRole Role,
    DateTimeOffset? Deadline, string Category, Routing Routing, DuplicateRef? DuplicateOf,
    string? AssetCode = null, string? AssetKind = null, RollUpResult? Fault = null,
    string? CategoryName = null, string? TeamName = null, string? TrackingToken = null, string? TrackingUrl = null);

/// <summary>A validated, routed incident ready to be written.</summary>
/// <param name="TeamId">The responsible team: the asset's group for an asset case, else the grid's team.</param>
/// <param name="AssetKind">lamp, cabinet or circuit when <paramref name="AssetCode"/> names a known asset.</param>
public sealed record NewIncident(
    string RequestKey, string? ClientRequestId, byte[] RequestHash, Category Category, IncidentSource Source,
    double Lon, double Lat, string? Description, string? AssetCode, string Channel, string Actor, string? ActorRole,
    int? ReporterCrewId, GridMap.Route? Route, Routing Routing, IncidentStatus Status, DateTimeOffset ReportedAt,
    DateTimeOffset Deadline, string EventNote, int? TeamId = null, string? AssetKind = null, string? ReporterPhone = null);

/// <summary>What an asset register says of a report: the asset it is about, where it stands and whose it is.</summary>
/// <param name="Kind">lamp, cabinet or circuit; null when the category needs an asset and none was in reach (flagged).</param>
/// <param name="TeamId">The group that owns the asset; null when the county has no such group (the grid's team takes it).</param>
public sealed record AssetMatch(string? Kind, string? Code, double Lon, double Lat, int? TeamId, string Note);

/// <summary>What the roll-up did with a stored report: joined or opened a fault, or only explained why not.</summary>
/// <param name="Level">circuit or cabinet when the report now belongs to a fault.</param>
public sealed record RollUpResult(long? FaultId, string? Level, bool Opened, string Note);

/// <summary>Runs after a report about an asset is stored (implemented by the Streetlights feature).</summary>
public interface IIncidentRollUp
{
    /// <summary>Never throws for a stored report: a failed roll-up is logged and tried again by the next report.</summary>
    Task<RollUpResult?> AfterIntakeAsync(long incidentId, CancellationToken ct);

    /// <summary>A case about an asset was stored or changed on this node: what is drawn of the assets is read again.</summary>
    void AssetsChanged();
}

/// <summary>Ties reports to assets (implemented by the Streetlights feature).</summary>
public interface IIncidentAssets
{
    /// <summary>The category a bare asset code implies (01037 for a lamp), or null.</summary>
    Task<string?> CategoryOfAsync(string assetCode, CancellationToken ct);

    /// <summary>
    /// The asset a report is about, or null when neither its category nor its code concerns a registered asset. A
    /// code that does not fit is a field error in <paramref name="v"/>. <paramref name="at"/> is the reported WGS84
    /// point, null when the report gives only the code.
    /// </summary>
    Task<AssetMatch?> ResolveAsync(Category category, string? assetCode, (double Lon, double Lat)? at, Validation v, CancellationToken ct);
}

/// <summary>Validation, routing and deadline of one report: everything short of the write. Thread-safe.</summary>
public sealed class IncidentIntake(
    CategoryCatalog categories, GridCatalog grids, CalendarProvider calendar, IncidentsSettings settings, TimeProvider clock, IIncidentAssets assets)
{
    private static readonly Dictionary<string, IncidentSource> Sources =
        Enum.GetValues<IncidentSource>().ToDictionary(s => JsonNames.Of(s), StringComparer.OrdinalIgnoreCase);

    public static IEnumerable<string> SourceNames => Sources.Keys;

    public static bool TryParseSource(string? raw, out IncidentSource source) => Sources.TryGetValue(raw?.Trim() ?? "", out source);

    /// <summary>Checks a request; returns the incident to write, or null with the field errors in <paramref name="v"/>.</summary>
    public async Task<NewIncident?> PrepareAsync(IncidentRequest? body, ClaimsPrincipal user, string channel, string? queryCrs, Validation v, CancellationToken ct)
    {
        if (body is null)
        {
            v.Add("body", "The request needs a JSON body: { \"category\", \"source\", \"lon\", \"lat\", \"description\"?, \"assetCode\"?, \"clientRequestId\"? }.");
            return null;
        }
        var asset = body.AssetCode?.Trim();
        if (asset is { Length: 0 }) asset = null;
        if (asset is not null && (asset.Length > 40 || !asset.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
        {
            v.Add("assetCode", "'assetCode' is a component code of at most 40 letters, digits, '-' or '_' (e.g. the 17 digits painted on a streetlight pole).");
            asset = null;
        }
        // A code alone is enough: a lamp's code says what (streetlight abnormal) and where (its pole).
        var categoryCode = body.Category?.Trim();
        if (categoryCode is null && asset is not null) categoryCode = await assets.CategoryOfAsync(asset, ct);
        var positionFromAsset = asset is not null && body.Lon is null && body.Lat is null;
        var crid = body.ClientRequestId?.Trim();
        if (crid is { Length: 0 }) crid = null;
        if (crid is { Length: > 100 }) v.Add("clientRequestId", "'clientRequestId' is at most 100 characters (a UUID is a good choice).");
        else if (crid is not null && crid.Any(char.IsControl)) v.Add("clientRequestId", "'clientRequestId' may not contain control characters.");

        var category = categories.Find(categoryCode);
        if (category is null)
        {
            var given = categoryCode is null ? "'category' is missing" : $"'category' '{Clip(categoryCode)}' is not a known category";
            v.Add("category", $"{given}; use a matter code from GET /api/categories: {string.Join(", ", categories.ActiveCodes)}.");
        }
        if (!TryParseSource(body.Source, out var source))
            v.Add("source", $"{(body.Source is null ? "'source' is missing" : $"'source' '{Clip(body.Source)}' is not a known source")}; use one of: {string.Join(", ", Sources.Keys)}.");

        var lon = positionFromAsset ? 0 : CheckDegrees(v, "lon", body.Lon, 180);
        var lat = positionFromAsset ? 0 : CheckDegrees(v, "lat", body.Lat, 90);
        var crsName = body.Crs ?? queryCrs;
        if (!ChinaOffsets.TryParse(crsName, out var crs))
            v.Add("crs", $"'crs' must be one of wgs84, cgcs2000, gcj02, bd09; got '{Clip(crsName ?? "")}'.");

        var description = Clean(body.Description);
        if (description is { Length: > 0 } && description.Length > settings.MaxDescriptionLength)
            v.Add("description", $"'description' is {description.Length} characters; at most {settings.MaxDescriptionLength} are accepted.");

        var phone = CleanPhone(body.Phone, v);
        var actor = user.Identity?.IsAuthenticated == true ? user.Identity.Name ?? "(staff)" : null;
        if (!v.IsValid || category is null || lon is null || lat is null) return null;

        var (x, y) = ChinaOffsets.ToWgs84(crs, lon.Value, lat.Value);
        var match = await assets.ResolveAsync(category, asset, positionFromAsset ? null : (x, y), v, ct);
        if (!v.IsValid) return null;
        if (match is not null) (x, y) = (match.Lon, match.Lat);
        var now = clock.GetUtcNow();
        var route = grids.RouteAt(x, y, settings.NearestGridFallbackM);
        var routing = route switch
        {
            null => new Routing(RoutingRule.Unrouted, null,
                $"不在任何网格内，{settings.NearestGridFallbackM:0} 米内也无网格：进入指挥中心待分拨队列 (outside every grid, none within {settings.NearestGridFallbackM:0} m)"),
            { DistanceM: 0 } => new Routing(RoutingRule.InGrid, 0,
                $"位于单元网格 {route.UnitGridCode}，属大网格 {route.LargeGridCode}，由 {TeamLabel(route)} 处置 ({RoleLabel(category.Role)})"),
            _ => new Routing(RoutingRule.NearestGrid, Math.Round(route.DistanceM, 1),
                $"不在网格内，归最近单元网格 {route.UnitGridCode}（{route.DistanceM:0} 米），属大网格 {route.LargeGridCode} ({RoleLabel(category.Role)})"),
        };
        var teamId = route?.TeamId;
        if (match is { TeamId: { } owner })
        {
            // The asset's owner wins over the grid's team; the grid's team still sees the case in its area.
            teamId = owner;
            routing = routing with { Note = match.Note + "；" + routing.Note };
        }
        else if (match is not null) routing = routing with { Note = match.Note + "；" + routing.Note };
        var status = route is null && match?.TeamId is null ? IncidentStatus.Unrouted
            : settings.AutoRegisterSources.Contains(source) ? IncidentStatus.Registered
            : IncidentStatus.Reported;
        var deadline = calendar.Current.Deadline(now, category.DeadlineValue, category.DeadlineUnit);
        var hash = Hash(category.Code, source, lon.Value, lat.Value, crs, description, asset, phone);
        return new NewIncident(
            crid is null ? "s:" + Guid.CreateVersion7().ToString("N") : "c:" + crid, crid, hash, category, source,
            x, y, string.IsNullOrEmpty(description) ? null : description, match is null ? asset : match.Code, channel,
            actor ?? (channel.StartsWith("open311:", StringComparison.Ordinal) ? channel : "(resident)"),
            actor is null ? null : string.Join(",", user.FindAll("role").Select(c => c.Value)),
            user.ClaimInt("crew_id"), route, routing, status, now, deadline,
            status == IncidentStatus.Registered ? $"{JsonNames.Of(source)} 上报，自动立案" : $"{JsonNames.Of(source)} 上报",
            teamId, match?.Kind, phone);
    }

    /// <summary>A call-back number as digits (an optional leading +), or null; anything else is a field error.</summary>
    internal static string? CleanPhone(string? raw, Validation v)
    {
        if (string.IsNullOrWhiteSpace(raw)) return null;
        var trimmed = raw.Trim();
        var digits = new string(trimmed.Where(c => c is not (' ' or '-' or '(' or ')')).ToArray());
        var plus = digits.StartsWith('+');
        if (plus) digits = digits[1..];
        if (digits.Length is < 5 or > 15 || !digits.All(char.IsAsciiDigit))
        {
            v.Add("phone", $"'phone' is a phone number of 5 to 15 digits (spaces and dashes allowed), e.g. 13800138000 or 0571-12345678; got '{Clip(trimmed)}'.");
            return null;
        }
        if (!plus && digits.Length == 11 && digits[0] == '1' && digits[1] is < '3' or > '9')
        {
            v.Add("phone", $"'phone' '{Clip(trimmed)}' is not a mobile number (11 digits starting 13-19); give a mobile or a landline with its area code.");
            return null;
        }
        return plus ? "+" + digits : digits;
    }

    private static string TeamLabel(GridMap.Route r) => r.TeamId is { } t ? $"队伍 {t}" : "（该大网格未配队伍）";

    private static string RoleLabel(CrewRole role) => role.ToString().ToLowerInvariant();

    private static double? CheckDegrees(Validation v, string field, double? value, double limit)
    {
        if (value is null) v.Add(field, $"'{field}' is required (decimal degrees, [lon, lat] in CGCS2000/WGS84).");
        else if (!double.IsFinite(value.Value) || Math.Abs(value.Value) > limit)
            v.Add(field, $"'{field}' must lie between -{limit} and {limit}; got {value.Value.ToString(CultureInfo.InvariantCulture)}.");
        else return value;
        return null;
    }

    /// <summary>Keeps text as the reporter wrote it (markup included: it is data, never rendered as HTML) minus control characters PostgreSQL cannot store.</summary>
    private static string? Clean(string? text)
    {
        if (text is null) return null;
        var trimmed = text.Trim();
        return trimmed.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t'))
            ? new string(trimmed.Where(c => !char.IsControl(c) || c is '\n' or '\r' or '\t').ToArray())
            : trimmed;
    }

    public static byte[] Hash(string category, IncidentSource source, double lon, double lat, InputCrs crs, string? description, string? asset,
        string? phone = null)
    {
        var canonical = string.Join('\u001f', category, source, lon.ToString("0.#######", CultureInfo.InvariantCulture),
            lat.ToString("0.#######", CultureInfo.InvariantCulture), crs, description ?? "", asset ?? "");
        // Appended only when given, so the hashes of reports without a number stay what they were.
        if (phone is not null) canonical += '\u001f' + phone;
        return SHA256.HashData(Encoding.UTF8.GetBytes(canonical));
    }

    private static string Clip(string s) => s.Length > 40 ? s[..40] + "…" : s;
}
