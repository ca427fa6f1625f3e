using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using GridGov.Api.Auth;
using GridGov.Api.Data;
using GridGov.Api.Incidents;
using GridGov.Api.Platform;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace GridGov.Api.Photos;

/// <summary>One photo of a case as the API shows it. For a resident the URLs carry their tracking token.</summary>
public sealed record PhotoView(long Id, long IncidentId, string Kind, string Url, string ThumbUrl, int Width, int Height, long Bytes,
    string ContentType, DateTimeOffset CreatedAt, string By);

/// <summary>
/// Case photos: POST/GET /api/incidents/{id}/photos and GET /api/photos/{id}. Staff who may see a case may add and
/// read its photos; a resident may do so for their own case with its tracking token (<c>?t=</c>).
/// </summary>
public static class PhotosApi
{
    public const string Before = "before", After = "after";

    /// <summary>What the multipart body may hold besides the file (a part name, the kind, a little slack for boundaries).</summary>
    private const long MultipartSlack = 64 * 1024;

    public static IServiceCollection AddPhotos(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = configuration.GetSection("Photos").Get<PhotoSettings>() ?? new PhotoSettings();
        services.AddSingleton(settings);
        services.AddSingleton<IPhotoStore, FilePhotoStore>();
        services.AddSingleton<PhotoProcessor>();
        services.AddSingleton<TrackingTokens>();
        services.AddScoped<IHandlingEvidence, AfterPhotoRule>();
        return services;
    }

    public static IEndpointRouteBuilder MapPhotosApi(this IEndpointRouteBuilder app)
    {
        // Anonymous at the route: a resident comes with the case's tracking token instead of a sign-in; each handler
        // lets through only staff who may see the case or the holder of its token.
        app.MapPost("/api/incidents/{id:long}/photos", Upload).AllowAnonymous().RequireRateLimiting(IncidentsApi.ResidentRateLimit)
            .DisableAntiforgery().WithTags("Photos")
            .WithSummary("Add a photo (multipart 'file': JPEG, PNG or WebP by content, at most 10 MB; 'kind' before|after). Stored re-encoded, without EXIF. The same bytes again answer 200 with the first photo. Staff, or a resident with ?t=token.");
        app.MapGet("/api/incidents/{id:long}/photos", List).AllowAnonymous().WithTags("Photos")
            .WithSummary("The case's photos, oldest first (staff who may see it, or ?t=token).");
        app.MapGet("/api/photos/{id:long}", Get).AllowAnonymous().WithTags("Photos")
            .WithSummary("A photo's image (size=full|thumb), for whoever may see its case (Bearer, or ?t=token).");
        return app;
    }

    /// <summary>Who asks: staff (the actor) or the holder of the case's tracking token.</summary>
    private sealed record Viewer(Actor? Staff, string? Token);

    /// <summary>The case if the caller may see it, else the answer to give (404 for a wrong token, with no hint).</summary>
    private static async Task<(Incident? Incident, IResult? Refusal, Viewer Viewer)> CaseFor(long id, string? t, ClaimsPrincipal user, GridGovDb db,
        TrackingTokens tokens, CancellationToken ct)
    {
        if (user.Identity?.IsAuthenticated == true)
        {
            var actor = IncidentsApi.ActorOf(user);
            var visible = await db.Incidents.AsNoTracking().Visible(actor, db).FirstOrDefaultAsync(i => i.Id == id, ct);
            return (visible, visible is null ? IncidentsApi.NotFound(id) : null, new Viewer(actor, null));
        }
        if (string.IsNullOrEmpty(t))
            return (null, TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Sign in or use your link",
                detail: "Sign in (POST /api/auth/token), or open the case from your tracking link (/report/{id}?t=...)."), new Viewer(null, null));
        var incident = tokens.Matches(id, t) ? await db.Incidents.AsNoTracking().FirstOrDefaultAsync(i => i.Id == id, ct) : null;
        return (incident, incident is null ? NoSuchCase() : null, new Viewer(null, t));
    }

    internal static IResult NoSuchCase() => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: "There is no such case.");

    private static async Task<IResult> Upload(long id, string? t, HttpContext http, GridGovDb db, TrackingTokens tokens, PhotoSettings settings,
        PhotoProcessor processor, IPhotoStore store, TimeProvider clock, ILoggerFactory logs, CancellationToken ct)
    {
        var (incident, refusal, viewer) = await CaseFor(id, t, http.User, db, tokens, ct);
        if (refusal is not null) return refusal;
        if (incident!.Status is IncidentStatus.Closed or IncidentStatus.Voided)
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Case is over",
                detail: $"Case {id} is {JsonNames.Of(incident.Status)}; photos can no longer be added (reopen it first).");

        // The size is refused before the body is read: a 30 MB upload costs one header, not 30 MB of work.
        var limit = settings.MaxBytes + MultipartSlack;
        if (http.Request.ContentLength > limit) return TooLarge(settings, http.Request.ContentLength.Value);
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature) sizeFeature.MaxRequestBodySize = limit;
        if (!http.Request.HasFormContentType)
            return Invalid("file", "Send the photo as multipart/form-data with the image in the part named 'file'.");
        IFormCollection form;
        try
        {
            // Kept in memory (at most the limit, and uploads are rate-limited): no round trip through a temp file.
            form = await http.Request.ReadFormAsync(new FormOptions { MultipartBodyLengthLimit = limit, ValueCountLimit = 10, MemoryBufferThreshold = (int)limit }, ct);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge(settings, null);
        }
        catch (InvalidDataException e)
        {
            return e.Message.Contains("limit", StringComparison.OrdinalIgnoreCase)
                ? TooLarge(settings, null)
                : Invalid("file", $"The multipart body could not be read ({e.Message}); send the image in a part named 'file'.");
        }
        var file = form.Files.GetFile("file");
        if (file is null || file.Length == 0)
            return Invalid("file", "The body has no image in a part named 'file'.");
        if (file.Length > settings.MaxBytes) return TooLarge(settings, file.Length);
        foreach (var key in form.Keys)
            if (key != "kind")
                return Invalid(key, $"Unknown field '{key}'; a photo upload has 'file' and, optionally, 'kind' (before|after).");

        var kind = form["kind"].ToString();
        var isCrewOfCase = viewer.Staff?.CrewId is { } crew && crew == incident.HandlerCrewId;
        if (string.IsNullOrEmpty(kind))
            kind = isCrewOfCase && incident.Status is IncidentStatus.Accepted or IncidentStatus.InProgress or IncidentStatus.Handled ? After : Before;
        else if (kind is not (Before or After))
            return Invalid("kind", $"'kind' is before or after, not '{kind}'.");
        if (viewer.Staff is null && kind == After)
            return Invalid("kind", "A resident adds photos of the problem ('before'); 'after' photos come from the crew that handles it.");

        byte[] upload;
        await using (var stream = file.OpenReadStream())
        {
            upload = new byte[file.Length];
            await stream.ReadExactlyAsync(upload, ct);
        }
        var sha = SHA256.HashData(upload);
        var existing = await db.IncidentPhotos.AsNoTracking().FirstOrDefaultAsync(p => p.IncidentId == id && p.UploadSha256 == sha, ct);
        if (existing is not null) return TypedResults.Ok(View(existing, viewer.Token));

        var counts = await db.IncidentPhotos.Where(p => p.IncidentId == id).GroupBy(p => p.By).Select(g => new { g.Key, N = g.Count() }).ToListAsync(ct);
        if (counts.Sum(c => c.N) >= settings.MaxPerCase)
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Enough photos",
                detail: $"Case {id} has {settings.MaxPerCase} photos already, the most a case keeps.");
        if (viewer.Staff is null && counts.Where(c => c.Key == "resident").Sum(c => c.N) >= settings.MaxPerResident)
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Enough photos",
                detail: $"Your report has {settings.MaxPerResident} photos already; that is the most a resident can add.");

        ProcessedPhoto processed;
        try
        {
            processed = processor.Process(upload);
        }
        catch (PhotoRefused refused)
        {
            return TypedResults.Problem(statusCode: refused.Status, title: refused.Title, detail: refused.Message);
        }

        var now = clock.GetUtcNow();
        var photo = new IncidentPhoto
        {
            IncidentId = id, Kind = kind, ContentType = "image/jpeg", Width = processed.Width, Height = processed.Height, Bytes = processed.Image.Length,
            UploadSha256 = sha, StorageKey = store.NewKey(now, "jpg"), ThumbKey = "", By = viewer.Staff is null ? "resident" : viewer.Staff.CrewId is null ? "staff" : "crew",
            Actor = viewer.Staff?.Name, CrewId = viewer.Staff?.CrewId, CreatedAt = now,
        };
        photo.ThumbKey = photo.StorageKey.Replace(".jpg", ".thumb.jpg", StringComparison.Ordinal);
        // Files first, then the row: a failure in between leaves at most unreferenced files, never a row without its image.
        await store.PutAsync(photo.StorageKey, processed.Image, ct);
        await store.PutAsync(photo.ThumbKey, processed.Thumb, ct);
        try
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            db.IncidentPhotos.Add(photo);
            db.IncidentEvents.Add(new IncidentEvent
            {
                IncidentId = id, At = now, Actor = viewer.Staff?.Name ?? "(resident)", ActorRole = viewer.Staff is null ? "resident" : string.Join(",", viewer.Staff.Roles),
                CrewId = viewer.Staff?.CrewId, Action = "photo", FromStatus = incident.Status, ToStatus = incident.Status,
                Note = kind == After ? "处置后照片 (after photo)" : "问题照片 (photo of the problem)",
            });
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // The same upload raced in on another request: keep the first, drop our files.
            await Discard(store, photo, logs);
            db.ChangeTracker.Clear();
            var first = await db.IncidentPhotos.AsNoTracking().FirstAsync(p => p.IncidentId == id && p.UploadSha256 == sha, ct);
            return TypedResults.Ok(View(first, viewer.Token));
        }
        catch
        {
            await Discard(store, photo, logs);
            throw;
        }
        return TypedResults.Created($"/api/photos/{photo.Id}", View(photo, viewer.Token));
    }

    private static async Task Discard(IPhotoStore store, IncidentPhoto photo, ILoggerFactory logs)
    {
        try
        {
            await store.DeleteAsync(photo.StorageKey, CancellationToken.None);
            await store.DeleteAsync(photo.ThumbKey, CancellationToken.None);
        }
        catch (Exception e)
        {
            logs.CreateLogger("GridGov.Photos").LogWarning(e, "Could not delete the files of a photo that was not stored ({Key})", photo.StorageKey);
        }
    }

    private static async Task<IResult> List(long id, string? t, ClaimsPrincipal user, GridGovDb db, TrackingTokens tokens, CancellationToken ct)
    {
        var (_, refusal, viewer) = await CaseFor(id, t, user, db, tokens, ct);
        if (refusal is not null) return refusal;
        return TypedResults.Ok(await ViewsAsync(db, id, viewer.Token, ct));
    }

    internal static async Task<List<PhotoView>> ViewsAsync(GridGovDb db, long incidentId, string? token, CancellationToken ct) =>
        (await db.IncidentPhotos.AsNoTracking().Where(p => p.IncidentId == incidentId).OrderBy(p => p.Id).ToListAsync(ct))
        .Select(p => View(p, token)).ToList();

    private static async Task<IResult> Get(long id, string? size, string? t, HttpContext http, GridGovDb db, TrackingTokens tokens, IPhotoStore store, CancellationToken ct)
    {
        if (size is not (null or "" or "full" or "thumb"))
            return Invalid("size", $"'size' is full (default) or thumb, not '{size}'.");
        var photo = await db.IncidentPhotos.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct);
        if (photo is null)
            return http.User.Identity?.IsAuthenticated == true
                ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such photo", detail: $"There is no photo {id}.")
                : NoSuchCase();
        var (_, refusal, _) = await CaseFor(photo.IncidentId, t, http.User, db, tokens, ct);
        if (refusal is not null)
            return refusal is IStatusCodeHttpResult { StatusCode: 404 } && http.User.Identity?.IsAuthenticated == true
                ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such photo", detail: $"There is no photo {id} that you can see.")
                : refusal;
        var key = size == "thumb" ? photo.ThumbKey : photo.StorageKey;
        var stream = await store.OpenReadAsync(key, ct);
        if (stream is null)
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Image missing",
                detail: $"Photo {id} is recorded but its image is not in the store; ask an administrator to restore the photo directory.");
        // Stored images never change: a browser may keep them, but only for this user (they are not public).
        http.Response.Headers.CacheControl = "private, max-age=604800, immutable";
        return TypedResults.Stream(stream, photo.ContentType, entityTag: new Microsoft.Net.Http.Headers.EntityTagHeaderValue($"\"{id}-{size ?? "full"}\""));
    }

    internal static PhotoView View(IncidentPhoto p, string? token)
    {
        var url = $"/api/photos/{p.Id}";
        var q = token is null ? "" : $"t={Uri.EscapeDataString(token)}";
        return new PhotoView(p.Id, p.IncidentId, p.Kind, q.Length == 0 ? url : $"{url}?{q}", $"{url}?size=thumb{(q.Length == 0 ? "" : "&" + q)}",
            p.Width, p.Height, p.Bytes, p.ContentType, p.CreatedAt, p.By);
    }

    private static IResult TooLarge(PhotoSettings settings, long? bytes) =>
        TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Photo too large",
            detail: $"{(bytes is { } b ? $"The upload is {b / 1048576.0:0.#} MB; " : "The upload is too large; ")}a photo may be at most {settings.MaxBytes / 1048576} MB. "
                + "Take it at a lower resolution, or let the app shrink it.");

    private static IResult Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, detail: message);
}

/// <summary>What <c>handle</c> needs besides the workflow's rules: here, an after-photo for the categories that require one.</summary>
public interface IHandlingEvidence
{
    /// <summary>Why the case cannot be handled yet, or null.</summary>
    Task<string?> MissingAsync(GridGovDb db, Incident incident, CancellationToken ct);
}

internal sealed class AfterPhotoRule(PhotoSettings settings) : IHandlingEvidence
{
    public async Task<string?> MissingAsync(GridGovDb db, Incident incident, CancellationToken ct)
    {
        if (!settings.RequiresAfterPhoto(incident.CategoryCode)) return null;
        if (await db.IncidentPhotos.AnyAsync(p => p.IncidentId == incident.Id && p.Kind == PhotosApi.After, ct)) return null;
        return $"Category {incident.CategoryCode} needs a photo of the result before it is handled (after-photo required): "
            + $"add one with POST /api/incidents/{incident.Id}/photos (kind=after), then handle again.";
    }
}
