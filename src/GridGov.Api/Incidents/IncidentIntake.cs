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
}

/// <summary>The body of POST /api/incidents (CONTRACT.md).</summary>
public sealed record IncidentRequest(
    string? ClientRequestId, string? Category, string? Source, double? Lon, double? Lat,
    string? Description, string? AssetCode, string? Crs);

public sealed record Routing(RoutingRule Rule, double? DistanceM, string Note);

public sealed record DuplicateRef(long Id, IncidentStatus Status);

/// <summary>What intake answers (201 on create, 200 on a retry of the same request).</summary>
public sealed record IncidentCreated(
    long Id, IncidentStatus Status, string? UnitGridCode, string? LargeGridCode, int? TeamId, CrewRole Role,
    DateTimeOffset? Deadline, string Category, Routing Routing, DuplicateRef? DuplicateOf);

/// <summary>A validated, routed incident ready to be written.</summary>
public sealed record NewIncident(
    string RequestKey, string? ClientRequestId, byte[] RequestHash, Category Category, IncidentSource Source,
    double Lon, double Lat, string? Description, string? AssetCode, string Channel, string Actor, string? ActorRole,
    int? ReporterCrewId, GridMap.Route? Route, Routing Routing, IncidentStatus Status, DateTimeOffset ReportedAt,
    DateTimeOffset Deadline, string EventNote);

/// <summary>Validation, routing and deadline of one report: everything short of the write. Thread-safe.</summary>
public sealed class IncidentIntake(CategoryCatalog categories, GridCatalog grids, CalendarProvider calendar, IncidentsSettings settings, TimeProvider clock)
{
    private static readonly Dictionary<string, IncidentSource> Sources =
        Enum.GetValues<IncidentSource>().ToDictionary(s => JsonNames.Of(s), StringComparer.OrdinalIgnoreCase);

    public static IEnumerable<string> SourceNames => Sources.Keys;

    public static bool TryParseSource(string? raw, out IncidentSource source) => Sources.TryGetValue(raw?.Trim() ?? "", out source);

    /// <summary>Checks a request; returns the incident to write, or null with the field errors in <paramref name="v"/>.</summary>
    public NewIncident? Prepare(IncidentRequest? body, ClaimsPrincipal user, string channel, string? queryCrs, Validation v)
    {
        if (body is null)
        {
            v.Add("body", "The request needs a JSON body: { \"category\", \"source\", \"lon\", \"lat\", \"description\"?, \"clientRequestId\"? }.");
            return null;
        }
        var crid = body.ClientRequestId?.Trim();
        if (crid is { Length: 0 }) crid = null;
        if (crid is { Length: > 100 }) v.Add("clientRequestId", "'clientRequestId' is at most 100 characters (a UUID is a good choice).");
        else if (crid is not null && crid.Any(char.IsControl)) v.Add("clientRequestId", "'clientRequestId' may not contain control characters.");

        var category = categories.Find(body.Category?.Trim());
        if (category is null)
        {
            var given = body.Category is null ? "'category' is missing" : $"'category' '{Clip(body.Category)}' is not a known category";
            v.Add("category", $"{given}; use a matter code from GET /api/categories: {string.Join(", ", categories.ActiveCodes)}.");
        }
        if (!TryParseSource(body.Source, out var source))
            v.Add("source", $"{(body.Source is null ? "'source' is missing" : $"'source' '{Clip(body.Source)}' is not a known source")}; use one of: {string.Join(", ", Sources.Keys)}.");

        var lon = CheckDegrees(v, "lon", body.Lon, 180);
        var lat = CheckDegrees(v, "lat", body.Lat, 90);
        var crsName = body.Crs ?? queryCrs;
        if (!ChinaOffsets.TryParse(crsName, out var crs))
            v.Add("crs", $"'crs' must be one of wgs84, cgcs2000, gcj02, bd09; got '{Clip(crsName ?? "")}'.");

        var description = Clean(body.Description);
        if (description is { Length: > 0 } && description.Length > settings.MaxDescriptionLength)
            v.Add("description", $"'description' is {description.Length} characters; at most {settings.MaxDescriptionLength} are accepted.");
        var asset = body.AssetCode?.Trim();
        if (asset is { Length: 0 }) asset = null;
        if (asset is not null && (asset.Length > 40 || !asset.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
            v.Add("assetCode", "'assetCode' is a component code of at most 40 letters, digits, '-' or '_' (e.g. a 17-digit streetlight code).");

        var actor = user.Identity?.IsAuthenticated == true ? user.Identity.Name ?? "(staff)" : null;
        if (!v.IsValid || category is null || lon is null || lat is null) return null;

        var (x, y) = ChinaOffsets.ToWgs84(crs, lon.Value, lat.Value);
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
        var status = route is null ? IncidentStatus.Unrouted
            : settings.AutoRegisterSources.Contains(source) ? IncidentStatus.Registered
            : IncidentStatus.Reported;
        var deadline = calendar.Current.Deadline(now, category.DeadlineValue, category.DeadlineUnit);
        var hash = Hash(category.Code, source, lon.Value, lat.Value, crs, description, asset);
        return new NewIncident(
            crid is null ? "s:" + Guid.CreateVersion7().ToString("N") : "c:" + crid, crid, hash, category, source,
            x, y, string.IsNullOrEmpty(description) ? null : description, asset, channel,
            actor ?? (channel.StartsWith("open311:", StringComparison.Ordinal) ? channel : "(resident)"),
            actor is null ? null : string.Join(",", user.FindAll("role").Select(c => c.Value)),
            user.ClaimInt("crew_id"), route, routing, status, now, deadline,
            status == IncidentStatus.Registered ? $"{JsonNames.Of(source)} 上报，自动立案" : $"{JsonNames.Of(source)} 上报");
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

    public static byte[] Hash(string category, IncidentSource source, double lon, double lat, InputCrs crs, string? description, string? asset)
    {
        var canonical = string.Join('\u001f', category, source, lon.ToString("0.#######", CultureInfo.InvariantCulture),
            lat.ToString("0.#######", CultureInfo.InvariantCulture), crs, description ?? "", asset ?? "");
        return SHA256.HashData(Encoding.UTF8.GetBytes(canonical));
    }

    private static string Clip(string s) => s.Length > 40 ? s[..40] + "…" : s;
}
