using System.Globalization;
using System.Security.Claims;
using System.Text.Json.Serialization;
using GridGov.Api.Data;
using GridGov.Api.Incidents;
using GridGov.Api.Platform;
using Microsoft.EntityFrameworkCore;

namespace GridGov.Api.Open311;

/// <summary>
/// Open311 GeoReport v2 (JSON) over the incident intake: services from the categories, requests from incidents.
/// Errors are the spec's list of { code, description }.
/// </summary>
public static partial class Open311Api
{
    public sealed record Service(
        [property: JsonPropertyName("service_code")] string ServiceCode,
        [property: JsonPropertyName("service_name")] string ServiceName,
        [property: JsonPropertyName("description")] string Description,
        [property: JsonPropertyName("metadata")] bool Metadata,
        [property: JsonPropertyName("type")] string Type,
        [property: JsonPropertyName("keywords")] string Keywords,
        [property: JsonPropertyName("group")] string Group);

    public sealed record ServiceAttribute(
        [property: JsonPropertyName("variable")] bool Variable,
        [property: JsonPropertyName("code")] string Code,
        [property: JsonPropertyName("datatype")] string Datatype,
        [property: JsonPropertyName("required")] bool Required,
        [property: JsonPropertyName("datatype_description")] string DatatypeDescription,
        [property: JsonPropertyName("order")] int Order,
        [property: JsonPropertyName("description")] string Description);

    public sealed record ServiceDefinition(
        [property: JsonPropertyName("service_code")] string ServiceCode,
        [property: JsonPropertyName("attributes")] IReadOnlyList<ServiceAttribute> Attributes);

    public sealed record Error([property: JsonPropertyName("code")] int Code, [property: JsonPropertyName("description")] string Description);

    public sealed record Created(
        [property: JsonPropertyName("service_request_id")] string ServiceRequestId,
        [property: JsonPropertyName("service_notice")] string ServiceNotice,
        [property: JsonPropertyName("account_id")] string? AccountId);

    public sealed record Request(
        [property: JsonPropertyName("service_request_id")] string ServiceRequestId,
        [property: JsonPropertyName("status")] string Status,
        [property: JsonPropertyName("status_notes")] string? StatusNotes,
        [property: JsonPropertyName("service_name")] string ServiceName,
        [property: JsonPropertyName("service_code")] string ServiceCode,
        [property: JsonPropertyName("description")] string? Description,
        [property: JsonPropertyName("agency_responsible")] string? AgencyResponsible,
        [property: JsonPropertyName("service_notice")] string? ServiceNotice,
        [property: JsonPropertyName("requested_datetime")] string RequestedDatetime,
        [property: JsonPropertyName("updated_datetime")] string UpdatedDatetime,
        [property: JsonPropertyName("expected_datetime")] string? ExpectedDatetime,
        [property: JsonPropertyName("address")] string? Address,
        [property: JsonPropertyName("address_id")] string? AddressId,
        [property: JsonPropertyName("zipcode")] string? Zipcode,
        [property: JsonPropertyName("lat")] double Lat,
        [property: JsonPropertyName("long")] double Long,
        [property: JsonPropertyName("media_url")] string? MediaUrl);

    public static IEndpointRouteBuilder MapOpen311Api(this IEndpointRouteBuilder app)
    {
        app.MapOpen311Keys();

        var v2 = app.MapGroup("/open311/v2").WithTags("Open311").AllowAnonymous();
        v2.MapGet("/services.{format}", Services).WithSummary("GeoReport v2 service list (the categories).");
        v2.MapGet("/services/{code}.{format}", Definition).WithSummary("GeoReport v2 service definition.");
        v2.MapPost("/requests.{format}", PostRequest).DisableAntiforgery()
            .WithSummary("GeoReport v2: submit a request (form-encoded, api_key required, lat/long required). Each key may post Incidents:Open311PermitsPerMinute a minute.");
        v2.MapGet("/requests.{format}", GetRequests).WithSummary("GeoReport v2: requests, filtered by service_request_id, service_code, start_date, end_date, status.");
        v2.MapGet("/requests/{id}.{format}", GetRequest).WithSummary("GeoReport v2: one request.");
        app.MapFallback("/open311/{**rest}", (HttpContext ctx) => Fail(StatusCodes.Status404NotFound,
            $"There is no GeoReport v2 resource at {ctx.Request.Path}; see /open311/v2/services.json.")).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    private static IResult Fail(int status, string description) => Results.Json(new[] { new Error(status, description) }, statusCode: status);

    private static IResult? CheckFormat(string format) => format.Equals("json", StringComparison.OrdinalIgnoreCase)
        ? null
        : Fail(StatusCodes.Status400BadRequest, $"Format '{format}' is not supported; this endpoint speaks JSON only (use .json).");

    private static IResult Services(string format, CategoryCatalog categories)
    {
        if (CheckFormat(format) is { } bad) return bad;
        return Results.Json(categories.ByCode.Values.Where(c => c.Active).OrderBy(c => c.Code, StringComparer.Ordinal).Select(ToService).ToList());
    }

    private static Service ToService(Category c) => new(c.Code, c.Name, $"{c.NameEn}; handled by {c.Role.ToString().ToLowerInvariant()}, deadline {c.DeadlineRule}",
        HasAttributes(c), "realtime", c.NameEn, CategoryMajors.All.TryGetValue(c.Major, out var m) ? m.Name : c.Major);

    private static bool HasAttributes(Category c) => string.CompareOrdinal(c.Major, "05") <= 0;

    private static IResult Definition(string code, string format, CategoryCatalog categories)
    {
        if (CheckFormat(format) is { } bad) return bad;
        if (categories.Find(code) is not { } c) return Fail(StatusCodes.Status404NotFound, $"There is no service '{code}'; see services.json.");
        IReadOnlyList<ServiceAttribute> attributes = HasAttributes(c)
            ? [new ServiceAttribute(true, "assetCode", "string", false, "The component's code as printed on it, e.g. the 17 digits on a streetlight pole (asset_code is accepted too).", 1, "部件编码 (asset code)")]
            : [];
        return Results.Json(new ServiceDefinition(c.Code, attributes));
    }

    private static async Task<IResult> PostRequest(
        string format, HttpRequest http, ClaimsPrincipal user, Open311Keys keys, IncidentIntake intake, IncidentWriter writer, IIncidentRollUp rollUp,
        IncidentsSettings settings, CalendarProvider calendar, TimeProvider clock, CancellationToken ct)
    {
        if (CheckFormat(format) is { } bad) return bad;
        if (!http.HasFormContentType)
            return Fail(StatusCodes.Status400BadRequest, "Send the request as application/x-www-form-urlencoded (or multipart/form-data), as GeoReport v2 specifies.");
        var form = await http.ReadFormAsync(ct);
        var client = await keys.FindAsync(form["api_key"], ct);
        if (client is null) return Fail(StatusCodes.Status403Forbidden, "api_key is missing, not valid or revoked; ask the administrator for a key (POST /api/open311/keys).");
        var (allowed, retryAfter) = keys.TryTake(client);
        if (!allowed)
        {
            var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
            http.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            return Fail(StatusCodes.Status429TooManyRequests,
                $"This API key may post {settings.Open311PermitsPerMinute} requests a minute and has used them; send the request again in {seconds} s.");
        }
        string? Field(string name) => form.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value.ToString().Trim() : null;
        if (Field("service_code") is null) return Fail(StatusCodes.Status400BadRequest, "service_code is required; see services.json.");
        if (Field("lat") is null || Field("long") is null)
            return Fail(StatusCodes.Status400BadRequest, "lat and long are required: this jurisdiction routes by location and does not look up address_string or address_id.");
        double? Number(string name) => double.TryParse(Field(name), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : double.NaN;

        var body = new IncidentRequest(null, Field("service_code"), "resident", Number("long"), Number("lat"),
            Field("description"), Field("attribute[assetCode]") ?? Field("attribute[asset_code]"), null);
        var v = new Validation();
        var incident = await intake.PrepareAsync(body, user, "open311:" + client.Name, null, v, ct);
        if (incident is null)
            return Fail(StatusCodes.Status400BadRequest, string.Join(" ", v.Errors.SelectMany(e => e.Value.Select(m => Open311Field(e.Key) + ": " + m))));
        var (result, _) = await IncidentsApi.StoreAsync(incident, writer, rollUp, ct);
        var notice = result.DuplicateOf is { } original
            ? $"同类问题已有人上报（#{original}），已合并处理。This duplicates request {original}."
            : string.Create(CultureInfo.InvariantCulture,
                $"已受理，将于 {TimeZoneInfo.ConvertTime(result.Deadline ?? clock.GetUtcNow(), calendar.Current.Zone):yyyy-MM-dd HH:mm} 前处置。Accepted.");
        return Results.Json(new[] { new Created(result.Id.ToString(CultureInfo.InvariantCulture), notice, null) }, statusCode: StatusCodes.Status201Created);
    }

    private static string Open311Field(string field) => field switch
    {
        "category" => "service_code",
        "lon" => "long",
        _ => field,
    };

    private static async Task<IResult> GetRequests(
        string format, string? service_request_id, string? service_code, string? start_date, string? end_date, string? status,
        GridGovDb db, CategoryCatalog categories, CalendarProvider calendar, TimeProvider clock, CancellationToken ct)
    {
        if (CheckFormat(format) is { } bad) return bad;
        var query = db.Incidents.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(service_request_id))
        {
            var ids = new List<long>();
            foreach (var part in service_request_id.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (!long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
                    return Fail(StatusCodes.Status400BadRequest, $"service_request_id '{part}' is not a request id.");
                ids.Add(id);
            }
            query = query.Where(i => ids.Contains(i.Id));
        }
        else
        {
            var now = clock.GetUtcNow();
            if (!TryDate(start_date, out var start) || !TryDate(end_date, out var end))
                return Fail(StatusCodes.Status400BadRequest, "start_date and end_date are W3C date-times, e.g. 2026-11-24T08:00:00+08:00.");
            var to = end ?? now;
            var from = start ?? to.AddDays(-90);
            if (from > to) return Fail(StatusCodes.Status400BadRequest, "start_date is after end_date.");
            query = query.Where(i => i.ReportedAt >= from && i.ReportedAt <= to);
            if (!string.IsNullOrWhiteSpace(service_code))
            {
                var codes = service_code.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
                query = query.Where(i => codes.Contains(i.CategoryCode));
            }
            if (!string.IsNullOrWhiteSpace(status))
            {
                var wanted = status.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(s => s.ToLowerInvariant()).ToHashSet();
                if (wanted.Any(s => s is not ("open" or "closed")))
                    return Fail(StatusCodes.Status400BadRequest, "status is open, closed, or both (comma-separated).");
                if (!(wanted.Contains("open") && wanted.Contains("closed")))
                {
                    var closed = wanted.Contains("closed");
                    query = query.Where(i => (i.Status == IncidentStatus.Closed || i.Status == IncidentStatus.Voided) == closed);
                }
            }
        }
        var rows = await Project(db, query.OrderByDescending(i => i.Id).Take(1000)).ToListAsync(ct);
        return Results.Json(rows.Select(r => ToRequest(r, categories, calendar.Current.Zone)).ToList());
    }

    private static async Task<IResult> GetRequest(string id, string format, GridGovDb db, CategoryCatalog categories, CalendarProvider calendar, CancellationToken ct)
    {
        if (CheckFormat(format) is { } bad) return bad;
        if (!long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            return Fail(StatusCodes.Status400BadRequest, $"'{id}' is not a request id.");
        var row = await Project(db, db.Incidents.AsNoTracking().Where(i => i.Id == number)).FirstOrDefaultAsync(ct);
        return row is null
            ? Fail(StatusCodes.Status404NotFound, $"There is no request {number}.")
            : Results.Json(new[] { ToRequest(row, categories, calendar.Current.Zone) });
    }

    private sealed record Row(Incident I, string? Team, string? Grid);

    private static IQueryable<Row> Project(GridGovDb db, IQueryable<Incident> query) => query.Select(i => new Row(i,
        db.Teams.Where(t => t.Id == i.TeamId).Select(t => t.Name).FirstOrDefault(),
        db.Grids.Where(g => g.Code == i.UnitGridCode).Select(g => g.Name).FirstOrDefault()));

    private static Request ToRequest(Row r, CategoryCatalog categories, TimeZoneInfo zone)
    {
        var i = r.I;
        var closed = i.Status is IncidentStatus.Closed or IncidentStatus.Voided;
        var notes = i.DuplicateOf is { } d ? $"重复上报，已并入 #{d} (duplicate of {d})"
            : $"{IncidentWorkflow.Name(i.Status)}";
        return new Request(i.Id.ToString(CultureInfo.InvariantCulture), closed ? "closed" : "open", notes, categories.NameOf(i.CategoryCode), i.CategoryCode,
            i.Description, r.Team, null, W3c(i.ReportedAt, zone), W3c(i.UpdatedAt, zone), i.Deadline is { } dl ? W3c(dl, zone) : null,
            r.Grid, i.UnitGridCode, null, Math.Round(i.Location.Y, 7), Math.Round(i.Location.X, 7), null);
    }

    private static string W3c(DateTimeOffset t, TimeZoneInfo zone) => TimeZoneInfo.ConvertTime(t, zone).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    private static bool TryDate(string? raw, out DateTimeOffset? value)
    {
        value = null;
        if (string.IsNullOrWhiteSpace(raw)) return true;
        if (!DateTimeOffset.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)) return false;
        value = parsed.ToUniversalTime();
        return true;
    }
}
