using System.Globalization;
using GridGov.Api.Platform;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace GridGov.Api.Demo;

/// <summary>
/// `./gridgov seed year [--cases N] [--lamps N]`: the demo county and a year of its cases in the database it is given
/// (./gridgov makes a fresh gridgov_year). Refuses a database that has cases already, so a year is never laid twice.
/// </summary>
internal static class YearSeedCommand
{
    private const string Usage = "usage: seed year [--cases N (1,000-5,000,000, default 1,000,000)] [--lamps N (up to 1,000,000, default 200,000)]";

    public static async Task<int> RunAsync(string[] args)
    {
        var cases = YearSeedOptions.DefaultCases;
        var lamps = YearSeedOptions.DefaultLamps;
        for (var i = 0; i < args.Length; i++)
        {
            if (i + 1 >= args.Length) return CommandHost.Fail("seed year", $"'{args[i]}' needs a value\n{Usage}", 2);
            var ok = int.TryParse(args[i + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var n);
            switch (args[i])
            {
                case "--cases" when ok && n is >= 1_000 and <= 5_000_000: cases = n; break;
                case "--lamps" when ok && n is >= 0 and <= 1_000_000: lamps = n; break;
                default: return CommandHost.Fail("seed year", $"'{args[i]} {args[i + 1]}' is not understood\n{Usage}", 2);
            }
            i++;
        }
        using var host = await CommandHost.StartAsync("seed year", loadDemo: true);
        if (host is null) return 1;
        var db = host.Services.GetRequiredService<NpgsqlDataSource>();
        await using (var cmd = db.CreateCommand("SELECT count(*) FROM incidents"))
            if ((long)(await cmd.ExecuteScalarAsync())! > 0)
                return CommandHost.Fail("seed year", "this database has cases already; a year goes into a fresh one (./gridgov seed year makes gridgov_year anew)");
        var end = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero);
        Console.Error.WriteLine($"seeding a year of {cases:N0} cases ending {end:yyyy-MM-dd} and {lamps:N0} streetlights ...");
        var result = await YearSeed.RunAsync(db, new YearSeedOptions(cases, lamps, end), line => Console.Error.WriteLine($"  {line}"));
        Console.WriteLine($"{result.Cases:N0} cases ({result.Open:N0} open), {result.Events:N0} history rows, {result.Points:N0} point rows, {result.Lamps:N0} lamps in {result.Took.TotalSeconds:0} s");
        return 0;
    }
}
