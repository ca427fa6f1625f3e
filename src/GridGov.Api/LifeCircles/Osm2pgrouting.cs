using Npgsql;

namespace GridGov.Api.LifeCircles;

/// <summary>
/// osm2pgrouting (2.3) nodes an OSM XML file's highways into <c>ways</c> and <c>ways_vertices_pgr</c> of the staging
/// schema, with our own mapconfig (<see cref="OsmImport.MapConfigFile"/>, beside the service).
/// <para>The database comes from the service's connection string. The password reaches it through a private
/// PGPASSFILE in the import's scratch folder, never on the command line (where every local user could read it in
/// <c>ps</c>): osm2pgrouting builds its own libpq connection string from its options and passes an empty password
/// as given, so PGPASSWORD does not reach libpq, while it does read a password file. Its connection string is not
/// quoted, so a password with spaces, quotes or backslashes cannot pass.</para>
/// </summary>
internal static class Osm2pgrouting
{
    public sealed record Connection(IReadOnlyList<string> Args, IReadOnlyDictionary<string, string> Environment, string? Password);

    public static Connection ConnectionFor(string connectionString)
    {
        NpgsqlConnectionStringBuilder cs;
        try
        {
            cs = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException ex)
        {
            throw new OsmImportException($"The database connection string cannot be read: {ex.Message}", ex);
        }
        var host = cs.Host ?? "localhost";
        if (host.Contains(','))
            throw new OsmImportException($"The connection string names several hosts ({host}); osm2pgrouting connects to one: give the primary's.");
        var user = cs.Username ?? Environment.UserName;
        var database = cs.Database ?? user;
        var args = new List<string> { "-h", host, "-p", cs.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-d", database, "-U", user };
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        if (cs.SslMode is not SslMode.Prefer) env["PGSSLMODE"] = cs.SslMode.ToString().ToLowerInvariant() switch
        {
            "verifyca" => "verify-ca",
            "verifyfull" => "verify-full",
            var m => m,
        };
        var password = cs.Password;
        if (password is not null && password.Any(c => char.IsWhiteSpace(c) || c is '\'' or '\\'))
            throw new OsmImportException("The database password has a space, quote or backslash, which osm2pgrouting cannot pass on; give the import a user whose password has none.");
        if (password is null && cs.Passfile is { Length: > 0 } passfile) env["PGPASSFILE"] = passfile;
        return new Connection(args, env, password);
    }

    /// <summary>Runs osm2pgrouting on <paramref name="osmXml"/> into the (existing, empty) staging schema.</summary>
    public static async Task StageAsync(NpgsqlConnection db, Connection connection, string osmXml, string work, CancellationToken ct)
    {
        var mapconfig = Path.Combine(AppContext.BaseDirectory, OsmImport.MapConfigFile);
        if (!File.Exists(mapconfig))
            throw new OsmImportException($"The walking-network mapconfig {mapconfig} is missing: the service's build copies it beside GridGov.Api.dll; rebuild.");
        var env = new Dictionary<string, string>(connection.Environment, StringComparer.Ordinal);
        if (connection.Password is { } password)
        {
            var passfile = Path.Combine(work, "pgpass");
            await File.WriteAllTextAsync(passfile, $"*:*:*:*:{password}\n", ct);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(passfile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            env["PGPASSFILE"] = passfile;
        }
        var run = await OsmTools.RunAsync("osm2pgrouting",
            ["-f", osmXml, "-c", mapconfig, "--schema", OsmImport.StageSchema, "--clean", .. connection.Args], work, env, ct);
        await DropScratchTablesAsync(db, run.ProcessId);
        var failed = run.ExitCode != 0
                     || run.Stderr.Contains("While processing", StringComparison.Ordinal)
                     || run.Stderr.Contains("FATAL", StringComparison.Ordinal)
                     || run.Stdout.Contains("ERROR", StringComparison.Ordinal);
        if (failed)
        {
            var message = Scrub(run.Message, connection.Password);
            throw new OsmImportException(message.Contains("password", StringComparison.OrdinalIgnoreCase) || message.Contains("connect", StringComparison.OrdinalIgnoreCase)
                ? $"osm2pgrouting could not connect to the database: {message}"
                : $"osm2pgrouting could not build the walking network: {message}");
        }
    }

    /// <summary>osm2pgrouting copies through unlogged tables named __TABLE&lt;pid&gt; in the default schema; gone unless it died halfway.</summary>
    private static async Task DropScratchTablesAsync(NpgsqlConnection db, int processId)
    {
        await using var cmd = new NpgsqlCommand("""
            SELECT format('DROP TABLE IF EXISTS %I.%I', n.nspname, c.relname)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind = 'r' AND c.relname ~ ('^__[a-z_]+' || $1 || '$')
            """, db);
        cmd.Parameters.AddWithValue(processId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var drops = new List<string>();
        await using (var reader = await cmd.ExecuteReaderAsync())
            while (await reader.ReadAsync()) drops.Add(reader.GetString(0));
        foreach (var drop in drops) await OsmImport.Execute(db, drop, CancellationToken.None);
    }

    private static string Scrub(string text, string? password) =>
        password is { Length: > 0 } ? text.Replace(password, "***", StringComparison.Ordinal) : text;
}
