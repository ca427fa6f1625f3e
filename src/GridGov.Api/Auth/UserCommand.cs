using GridGov.Api.Data;
using GridGov.Api.Platform;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace GridGov.Api.Auth;

/// <summary>
/// <c>./gridgov user add|list|passwd</c>: the first admin of a new county, and password resets, straight against the
/// database (migrated first) with the same rules and hashing as the API. Passwords come from standard input only.
/// </summary>
public static class UserCommand
{
    private const string Usage = """
        usage: gridgov user add NAME --role ROLE [--role ROLE ...] [--team ID] [--crew ID] --password-stdin
               gridgov user list
               gridgov user passwd NAME        (the new password on standard input)
        roles: admin, dispatcher, planner, crew, leader
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        using var host = await CommandHost.StartAsync("user");
        if (host is null) return 1;
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GridGovDb>();
        var hasher = scope.ServiceProvider.GetRequiredService<IPasswordHasher<User>>();
        return args switch
        {
            ["list"] => await ListAsync(db),
            ["add", var name, .. var rest] when !name.StartsWith('-') => await AddAsync(db, hasher, name, rest),
            ["passwd", var name] => await PasswdAsync(db, hasher, name),
            _ => Fail(Usage, 2),
        };
    }

    private static async Task<int> ListAsync(GridGovDb db)
    {
        var users = await db.Users.AsNoTracking().OrderBy(u => u.Username).ToListAsync();
        Console.WriteLine($"{"USER",-24} {"ROLES",-28} {"TEAM",5} {"CREW",5}  ACTIVE");
        foreach (var u in users)
            Console.WriteLine($"{u.Username,-24} {string.Join(",", u.Roles),-28} {u.TeamId?.ToString() ?? "-",5} {u.CrewId?.ToString() ?? "-",5}  {(u.Active ? "yes" : "no")}");
        Console.WriteLine($"{users.Count} users");
        return 0;
    }

    private static async Task<int> AddAsync(GridGovDb db, IPasswordHasher<User> hasher, string name, string[] options)
    {
        var roles = new List<string>();
        int? team = null, crew = null;
        var fromStdin = false;
        for (var i = 0; i < options.Length; i++)
        {
            switch (options[i])
            {
                case "--role" when i + 1 < options.Length: roles.AddRange(options[++i].Split(',')); break;
                case "--team" when i + 1 < options.Length && int.TryParse(options[i + 1], out var t): team = t; i++; break;
                case "--crew" when i + 1 < options.Length && int.TryParse(options[i + 1], out var c): crew = c; i++; break;
                case "--password-stdin": fromStdin = true; break;
                case "--password" or "-p": return Fail("A password is never taken from the command line (it would stay in the shell history); use --password-stdin.", 2);
                default: return Fail($"unknown or incomplete option '{options[i]}'\n{Usage}", 2);
            }
        }
        if (!fromStdin) return Fail("Give the password on standard input with --password-stdin, e.g.: printf '%s\\n' \"$PW\" | ./gridgov user add NAME --role admin --password-stdin", 2);
        var v = new Validation();
        var username = PeopleRules.Username(name, v);
        if (username is null) return Fail(string.Join("\n", v.Errors.SelectMany(e => e.Value)));
        if (await PeopleRules.TakenAsync(db, username, default))
            return Fail($"A user '{username}' exists already (usernames are compared without case); use 'user passwd {username}' to reset its password.");
        var user = await PeopleRules.AddUserAsync(db, hasher, username, ReadPassword(), roles, team, crew, active: true, DateTimeOffset.UtcNow, v, default);
        if (user is null) return Fail(string.Join("\n", v.Errors.SelectMany(e => e.Value)));
        await db.SaveChangesAsync();
        Console.WriteLine($"created user {user.Username} ({string.Join(", ", user.Roles)}); sign in at the service's address");
        return 0;
    }

    private static async Task<int> PasswdAsync(GridGovDb db, IPasswordHasher<User> hasher, string name)
    {
        var user = await UsersApi.Find(db, name, default);
        if (user is null) return Fail($"There is no user '{name}'; 'user list' shows them.");
        var v = new Validation();
        var password = ReadPassword();
        if (!PeopleRules.Password(password, user.Username, v)) return Fail(PeopleRules.PasswordRule);
        user.PasswordHash = hasher.HashPassword(user, password!);
        user.TokenVersion++;
        await db.SaveChangesAsync();
        Console.WriteLine($"password of {user.Username} changed; its earlier sign-ins are revoked");
        return 0;
    }

    /// <summary>One line from standard input; at a terminal, typed without echo.</summary>
    private static string? ReadPassword()
    {
        if (Console.IsInputRedirected) return Console.In.ReadLine()?.TrimEnd('\r', '\n');
        Console.Error.Write("Password: ");
        var chars = new List<char>();
        for (var key = Console.ReadKey(intercept: true); key.Key != ConsoleKey.Enter; key = Console.ReadKey(intercept: true))
        {
            if (key.Key == ConsoleKey.Backspace) { if (chars.Count > 0) chars.RemoveAt(chars.Count - 1); }
            else if (!char.IsControl(key.KeyChar)) chars.Add(key.KeyChar);
        }
        Console.Error.WriteLine();
        return new string(chars.ToArray());
    }

    private static int Fail(string message, int code = 1) => CommandHost.Fail("user", message, code);
}
