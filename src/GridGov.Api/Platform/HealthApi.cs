using Npgsql;

namespace GridGov.Api.Platform;

public static class HealthApi
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", async Task<IResult> (NpgsqlDataSource db, CancellationToken ct) =>
        {
            try
            {
                await using var cmd = db.CreateCommand("SELECT postgis_lib_version()");
                var postgis = (string?)await cmd.ExecuteScalarAsync(ct);
                return TypedResults.Ok(new HealthReport("healthy", "up", postgis));
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable,
                    title: "Database unavailable", detail: $"The service is up but PostGIS does not answer: {ex.Message}");
            }
        }).AllowAnonymous().WithTags("Service");
        return app;
    }

    public sealed record HealthReport(string Status, string Database, string? Postgis);
}
