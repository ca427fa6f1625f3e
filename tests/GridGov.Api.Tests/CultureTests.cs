using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GridGov.Api.Incidents;
using Microsoft.Extensions.DependencyInjection;

namespace GridGov.Api.Tests;

/// <summary>Changes the process's default culture, so its tests run alone, after every parallel collection.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CultureCollection : ICollectionFixture<GridGovFactory>
{
    public const string Name = "culture";
}

/// <summary>
/// Dates and numbers in requests and answers are the API's (ISO 8601, a decimal point), whatever culture the server
/// process runs under: a Buddhist or Hijri calendar must not move a date, a decimal comma must not enter a message.
/// </summary>
[Collection(CultureCollection.Name)]
public class CultureTests(GridGovFactory app)
{
    [Theory]
    [InlineData("th-TH")]
    [InlineData("ar-SA")]
    [InlineData("de-DE")]
    public async Task The_server_culture_does_not_change_dates_or_numbers(string culture)
    {
        using var leader = await app.ClientFor("leader");
        var calendar = app.Services.GetRequiredService<CalendarProvider>().Current;
        var saved = (CultureInfo.DefaultThreadCurrentCulture, CultureInfo.CurrentCulture);
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo(culture);
        try
        {
            var indicators = await leader.GetFromJsonAsync<JsonElement>("/api/indicators?from=2026-03-01&to=2026-03-31");
            Assert.Equal(calendar.StartOfDay(new DateOnly(2026, 3, 1)), indicators.GetProperty("from").GetDateTimeOffset());
            Assert.Equal(calendar.StartOfDay(new DateOnly(2026, 4, 1)), indicators.GetProperty("to").GetDateTimeOffset());
            var board = await leader.GetFromJsonAsync<JsonElement>("/api/points/leaderboard?month=2026-03");
            Assert.Equal("2026-03", board.GetProperty("month").GetString());
            await ProblemAssert.IsProblem(await leader.GetAsync("/api/lists/closures?from=2026-13-01"), HttpStatusCode.BadRequest, "yyyy-MM-dd");

            var outside = await ProblemAssert.IsProblem(await leader.GetAsync("/api/grids/locate?lon=100.5&lat=10.25"), HttpStatusCode.NotFound);
            Assert.Contains("[100.5, 10.25]", outside.GetProperty("detail").GetString());
        }
        finally
        {
            (CultureInfo.DefaultThreadCurrentCulture, CultureInfo.CurrentCulture) = saved;
        }
    }
}
