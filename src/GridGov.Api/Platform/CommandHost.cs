using GridGov.Api.Auth;
using GridGov.Api.Data;
using Microsoft.AspNetCore.Identity;

namespace GridGov.Api.Platform;

/// <summary>The database side of the service without its web server, for ./gridgov's commands: migrated, quiet, no demo.</summary>
internal static class CommandHost
{
    /// <summary>A migrated host, or null with the reason printed (no connection string).</summary>
    public static async Task<IHost?> StartAsync(string command)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["GridGov:LoadDemo"] = "false";
        builder.Logging.AddFilter(level => level >= LogLevel.Warning);
        try
        {
            builder.AddGridGovData();
        }
        catch (InvalidOperationException ex)
        {
            Fail(command, ex.Message);
            return null;
        }
        builder.Services.AddSingleton<IPasswordHasher<User>, PasswordHasher<User>>();
        var host = builder.Build();
        await host.PrepareDatabaseAsync();
        return host;
    }

    public static int Fail(string command, string message, int code = 1)
    {
        Console.Error.WriteLine($"gridgov {command}: {message}");
        return code;
    }
}
