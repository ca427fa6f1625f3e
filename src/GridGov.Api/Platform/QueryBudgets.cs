using GridGov.Api.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace GridGov.Api.Platform;

/// <summary>How long an endpoint's database commands may run, by the kind of read it is.</summary>
public enum QueryBudget
{
    /// <summary>A map tile, a case, a lookup: what a person waits for while looking at the screen.</summary>
    Interactive,
    /// <summary>A page of a list.</summary>
    List,
    /// <summary>Indicators, leaderboards, heatmaps, reports over a period.</summary>
    Report,
    /// <summary>A CSV download streaming every row (the budget bounds each wait for the next rows, not the whole download).</summary>
    Export,
}

/// <summary>Section <c>QueryBudgets</c>: seconds per <see cref="QueryBudget"/>; an endpoint without a budget keeps the connection's default (30 s).</summary>
public sealed class QueryBudgetSettings
{
    public int InteractiveSeconds { get; set; } = 5;
    public int ListSeconds { get; set; } = 10;
    public int ReportSeconds { get; set; } = 15;
    public int ExportSeconds { get; set; } = 60;

    public int SecondsOf(QueryBudget budget) => budget switch
    {
        QueryBudget.Interactive => InteractiveSeconds,
        QueryBudget.List => ListSeconds,
        QueryBudget.Report => ReportSeconds,
        QueryBudget.Export => ExportSeconds,
        _ => throw new ArgumentOutOfRangeException(nameof(budget), budget, null),
    };
}

/// <summary>
/// Per-endpoint command timeouts, so one heavy report cannot hold a pooled connection for the default 30 s: an
/// endpoint says its budget with <see cref="WithQueryBudget{TBuilder}"/>; the middleware puts it on the request, raw
/// commands take it with <see cref="Budgeted"/> and EF queries with <see cref="Budgeted(GridGovDb, HttpContext)"/>. A command that runs past it is
/// cancelled and answered 503 "Too heavy" (ServiceUnavailableHandler), logged with its SQL.
/// </summary>
public static class QueryBudgets
{
    private sealed record Metadata(QueryBudget Budget);

    private static readonly object SecondsKey = new();

    public static TBuilder WithQueryBudget<TBuilder>(this TBuilder builder, QueryBudget budget) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new Metadata(budget));

    public static IServiceCollection AddQueryBudgets(this IServiceCollection services, IConfiguration configuration) =>
        services.AddSingleton(configuration.GetSection("QueryBudgets").Get<QueryBudgetSettings>() ?? new QueryBudgetSettings());

    /// <summary>After routing: the endpoint's budget on the request.</summary>
    public static IApplicationBuilder UseQueryBudgets(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<Metadata>() is { } metadata)
        {
            context.Items[SecondsKey] = context.RequestServices.GetRequiredService<QueryBudgetSettings>().SecondsOf(metadata.Budget);
        }
        await next(context);
    });

    /// <summary>The request's budget in seconds, when its endpoint has one.</summary>
    public static int? SecondsFor(HttpContext context) => context.Items.TryGetValue(SecondsKey, out var s) ? (int)s! : null;

    /// <summary>The command, with the request's budget as its timeout (unchanged when the endpoint has none).</summary>
    public static NpgsqlCommand Budgeted(this NpgsqlCommand command, HttpContext context)
    {
        if (SecondsFor(context) is { } seconds) command.CommandTimeout = seconds;
        return command;
    }

    /// <summary>The request's EF context, with the request's budget as its command timeout (the pool resets it after).</summary>
    public static GridGovDb Budgeted(this GridGovDb db, HttpContext context)
    {
        if (SecondsFor(context) is { } seconds) db.Database.SetCommandTimeout(seconds);
        return db;
    }
}
