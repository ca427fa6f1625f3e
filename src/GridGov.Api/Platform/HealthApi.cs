using System.Security.Claims;
using GridGov.Api.Auth;
using Npgsql;

namespace GridGov.Api.Platform;

public static partial class HealthApi
{
    /// <summary>What an anonymous caller learns when the database is down: that it is, not why (the reason may name hosts and ports).</summary>
    public const string DatabaseDown = "The service is up but its database does not answer. An administrator sees the reason here when signed in, and in the service log.";

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", async Task<IResult> (NpgsqlDataSource db, ClaimsPrincipal user, ILoggerFactory logs, CancellationToken ct) =>
        {
            try
            {
                await using var cmd = db.CreateCommand("SELECT postgis_lib_version()");
                var postgis = (string?)await cmd.ExecuteScalarAsync(ct);
                return TypedResults.Ok(new HealthReport("healthy", "up", postgis));
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                LogDatabaseDown(logs.CreateLogger("GridGov.Health"), ex);
                return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Database unavailable",
                    detail: user.IsInRole(Roles.Admin) ? $"The service is up but PostGIS does not answer: {ex.GetType().Name}: {ex.Message}" : DatabaseDown);
            }
        }).AllowAnonymous().WithTags("Service")
            .WithSummary("200 when the service and its database are up; 503 otherwise, with the reason for an admin only.");
        return app;
    }

    public sealed record HealthReport(string Status, string Database, string? Postgis);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Health: the database does not answer")]
    private static partial void LogDatabaseDown(ILogger logger, Exception exception);
}
