using System.Text.Json.Serialization;
using GridGov.Api.Auth;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Json;
using NetTopologySuite.IO.Converters;
using Scalar.AspNetCore;

namespace GridGov.Api.Platform;

public static class ServiceDefaults
{
    public static IHostApplicationBuilder AddServiceDefaults(this IHostApplicationBuilder builder)
    {
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        });
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(15));
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = ctx =>
            ctx.ProblemDetails.Extensions.TryAdd("traceId", ctx.HttpContext.TraceIdentifier));
        builder.Services.AddExceptionHandler<BadRequestExceptionHandler>();
        builder.Services.AddExceptionHandler<ServiceUnavailableHandler>();
        builder.Services.AddQueryBudgets(builder.Configuration);
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.Configure<JsonOptions>(o =>
        {
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.CamelCase));
            o.SerializerOptions.Converters.Add(new GeoJsonConverterFactory());
            o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        });
        builder.AddForwardedHeaders();
        builder.Services.AddSingleton<PageCursors>();
        // The web pages' own files go compressed (a phone on 3G loads the crew app in a third of the bytes). Only
        // these types: API answers are left alone (no compressed secrets beside reflected input, BREACH).
        builder.Services.AddResponseCompression(o =>
        {
            o.EnableForHttps = true;
            o.Providers.Add<Microsoft.AspNetCore.ResponseCompression.BrotliCompressionProvider>();
            o.Providers.Add<Microsoft.AspNetCore.ResponseCompression.GzipCompressionProvider>();
            o.MimeTypes = ["text/html", "text/css", "text/javascript", "application/javascript", "image/svg+xml", "application/manifest+json", "application/wasm"];
        });
        builder.Services.Configure<Microsoft.AspNetCore.ResponseCompression.BrotliCompressionProviderOptions>(o => o.Level = System.IO.Compression.CompressionLevel.Optimal);
        builder.Services.Configure<Microsoft.AspNetCore.ResponseCompression.GzipCompressionProviderOptions>(o => o.Level = System.IO.Compression.CompressionLevel.Optimal);
        builder.Services.AddOpenApi(o => o.AddDocumentTransformer((doc, _, _) =>
        {
            doc.Info.Title = "GridGov API";
            doc.Info.Description = "Grid management for city governance (网格化管理): grids, incidents, crews. Sign in with POST /api/auth/token.";
            return Task.CompletedTask;
        }));
        return builder;
    }

    /// <summary>
    /// Vite names every asset by its content hash: a browser keeps those for good. The pages themselves (also when
    /// served as a fallback) and the service worker are revalidated, so a new build reaches phones on their next load.
    /// </summary>
    private static readonly StaticFileOptions StaticFiles = new()
    {
        // The phone app's web manifest (m/manifest.webmanifest) is not among the built-in types.
        ContentTypeProvider = new Microsoft.AspNetCore.StaticFiles.FileExtensionContentTypeProvider
        {
            Mappings = { [".webmanifest"] = "application/manifest+json" },
        },
        OnPrepareResponse = ctx => ctx.Context.Response.Headers.CacheControl =
            ctx.Context.Request.Path.StartsWithSegments("/assets") ? "public, max-age=31536000, immutable" : "no-cache",
    };

    public static WebApplication UseServiceDefaults(this WebApplication app)
    {
        app.UseConfiguredForwardedHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseResponseCompression();
        app.UseDefaultFiles();
        app.UseStaticFiles(StaticFiles);
        app.UseGridGovAuth();
        app.UseQueryBudgets();
        app.MapOpenApi().AllowAnonymous();
        app.MapScalarApiReference("/docs", o => o.WithTitle("GridGov API")).AllowAnonymous();
        return app;
    }

    /// <summary>The web map's client routes fall back to index.html; unknown API paths get a 404 problem.</summary>
    public static WebApplication MapFallbacks(this WebApplication app)
    {
        foreach (var prefix in new[] { "/api", "/tiles", "/hubs" })
        {
            app.MapFallback(prefix + "/{**rest}", (HttpContext ctx) => TypedResults.Problem(
                    statusCode: StatusCodes.Status404NotFound,
                    detail: $"There is no endpoint at {ctx.Request.Method} {ctx.Request.Path}; see /openapi/v1.json or /docs for the API."))
                .AllowAnonymous().ExcludeFromDescription();
        }
        // The resident's report page and its tracking links (/report/{id}?t=...): a page of its own.
        app.MapFallbackToFile("/report/{**rest}", "report/index.html", StaticFiles).AllowAnonymous();
        // The community worker's page (community/index.html), with its client routes.
        app.MapFallbackToFile("/community", "community/index.html", StaticFiles).AllowAnonymous();
        app.MapFallbackToFile("/community/{**rest}", "community/index.html", StaticFiles).AllowAnonymous();
        // The crew's phone app is a page of its own (m/index.html) with client routes under /m/. nonfile: /m/icon.svg,
        // /m/manifest.webmanifest stay with the static files (a catch-all endpoint here would shadow them).
        app.MapFallbackToFile("/m", "m/index.html", StaticFiles).AllowAnonymous();
        app.MapFallbackToFile("/m/{*path:nonfile}", "m/index.html", StaticFiles).AllowAnonymous();
        app.MapFallbackToFile("index.html", StaticFiles).AllowAnonymous();
        return app;
    }
}

/// <summary>Turns model-binding failures (malformed JSON, a non-numeric query value) into a 400 problem with the reason.</summary>
internal sealed class BadRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad) return false;
        httpContext.Response.StatusCode = bad.StatusCode;
        var detail = bad.InnerException is System.Text.Json.JsonException json
            ? $"The request body is not valid JSON: {json.Message}"
            : bad.Message;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = { Status = bad.StatusCode, Title = "Bad request", Detail = detail },
            Exception = exception,
        });
    }
}

/// <summary>
/// While the database is away (a restart, a failover) or the service is stopping, requests get 503 with Retry-After,
/// not 500. A read that ran out of time is said to be too heavy (and logged with its SQL), not "database not reachable".
/// </summary>
internal sealed partial class ServiceUnavailableHandler(IProblemDetailsService problems, ILogger<ServiceUnavailableHandler> logger) : IExceptionHandler
{
    /// <summary>A command that ran past its timeout (Npgsql's client side, or the server's statement_timeout).</summary>
    internal static bool IsTimeout(Exception exception) => exception switch
    {
        Npgsql.PostgresException pg => pg.SqlState == Npgsql.PostgresErrorCodes.QueryCanceled,
        Npgsql.NpgsqlException { InnerException: TimeoutException } => true,
        InvalidOperationException { InnerException: { } inner } => IsTimeout(inner),
        _ => false,
    };

    /// <summary>The problem's title and detail for <paramref name="exception"/>, or nulls when it is not this handler's.</summary>
    internal static (string? Title, string? Detail) Describe(Exception exception) => exception switch
    {
        ShuttingDownException stopping => ("Shutting down", stopping.Message),
        _ when IsTimeout(exception) => ("Too heavy",
            "This read took longer than the database allows a request and was stopped; nothing was changed. Ask for a shorter period or narrower filters, or page through it."),
        Data.DatabaseUnavailableException unavailable => ("Database unavailable", unavailable.Message),
        _ when Data.DatabaseErrors.IsTransient(exception) => ("Database unavailable",
            "The database is not reachable right now; nothing was changed. Retry in a few seconds (reports: with the same clientRequestId)."),
        _ => (null, null),
    };

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (title, detail) = Describe(exception);
        if (detail is null) return false;
        if (title == "Too heavy")
            LogTooHeavy(httpContext.Request.Path + httpContext.Request.QueryString,
                (exception as Npgsql.NpgsqlException ?? exception.InnerException as Npgsql.NpgsqlException)?.BatchCommand?.CommandText ?? "(SQL not known)");
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = "2";
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = { Status = StatusCodes.Status503ServiceUnavailable, Title = title, Detail = detail },
            Exception = exception,
        });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Too heavy: {Request} ran past its command timeout; SQL: {Sql}")]
    private partial void LogTooHeavy(string request, string sql);
}
