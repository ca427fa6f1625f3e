using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using GridGov.Api.Auth;
using Microsoft.Extensions.DependencyInjection;

namespace GridGov.Api.Tests;

[Collection(ApiCollection.Name)]
public class AuthTests(GridGovFactory app)
{
    [Theory]
    [InlineData("admin")]
    [InlineData("dispatcher")]
    [InlineData("planner")]
    [InlineData("crew")]
    [InlineData("leader")]
    public async Task Each_demo_role_signs_in_and_sees_itself(string role)
    {
        using var client = app.CreateClient();
        var response = await client.PostAsJsonAsync("/api/auth/token", new { username = role, password = "gridgov-demo" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var token = await response.Content.ReadFromJsonAsync<GridGovFactory.TokenDto>();
        Assert.Equal([role], token!.Roles);
        Assert.True(token.ExpiresAt > DateTimeOffset.UtcNow.AddHours(1));

        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.AccessToken);
        var me = await client.GetFromJsonAsync<AuthApi.MeResponse>("/api/me");
        Assert.Equal(role, me!.Username);
        Assert.Equal(role == "crew", me.CrewId is not null && me.TeamId is not null);
    }

    [Fact]
    public async Task A_wrong_password_and_an_unknown_user_get_the_same_answer()
    {
        using var client = app.CreateClient();
        var wrong = await ProblemAssert.IsProblem(await client.PostAsJsonAsync("/api/auth/token", new { username = "dispatcher", password = "nope" }), HttpStatusCode.Unauthorized);
        var unknown = await ProblemAssert.IsProblem(await client.PostAsJsonAsync("/api/auth/token", new { username = "nobody-here", password = "nope" }), HttpStatusCode.Unauthorized);
        Assert.Equal(wrong.GetProperty("detail").GetString(), unknown.GetProperty("detail").GetString());
        Assert.Equal(wrong.GetProperty("title").GetString(), unknown.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Missing_fields_are_named()
    {
        using var client = app.CreateClient();
        var json = await ProblemAssert.IsProblem(await client.PostAsJsonAsync("/api/auth/token", new { username = "" }), HttpStatusCode.BadRequest);
        Assert.True(json.GetProperty("errors").TryGetProperty("username", out _));
        Assert.True(json.GetProperty("errors").TryGetProperty("password", out _));
    }

    [Fact]
    public async Task Malformed_json_is_a_400_problem_not_a_500()
    {
        using var client = app.CreateClient();
        var response = await client.PostAsync("/api/auth/token", new StringContent("{\"username\": \"admin\", ", Encoding.UTF8, "application/json"));
        await ProblemAssert.IsProblem(response, HttpStatusCode.BadRequest, "JSON");
    }

    [Fact]
    public async Task No_token_is_a_401_problem_that_says_how_to_sign_in()
    {
        using var client = app.CreateClient();
        await ProblemAssert.IsProblem(await client.GetAsync("/api/grids?level=large"), HttpStatusCode.Unauthorized, "/api/auth/token");
    }

    [Fact]
    public async Task An_expired_token_is_refused_with_the_reason()
    {
        var issuer = app.Services.GetRequiredService<TokenIssuer>();
        var (token, _) = issuer.Issue(new User { Id = 1, Username = "dispatcher", PasswordHash = "", Roles = ["dispatcher"] }, TimeSpan.FromMinutes(-5));
        using var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        await ProblemAssert.IsProblem(await client.GetAsync("/api/me"), HttpStatusCode.Unauthorized, "expired");
    }

    [Fact]
    public async Task A_tampered_token_is_refused()
    {
        var token = await app.TokenFor("crew");
        var parts = token.Split('.');
        var forged = parts[0] + "." + parts[1] + "." + new string(parts[2].Reverse().ToArray());
        using var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", forged);
        await ProblemAssert.IsProblem(await client.GetAsync("/api/me"), HttpStatusCode.Unauthorized, "not valid");
    }

    [Fact]
    public async Task A_role_outside_the_policy_gets_a_403_problem()
    {
        using var crew = await app.ClientFor("crew");
        await ProblemAssert.IsProblem(await crew.GetAsync("/api/users"), HttpStatusCode.Forbidden, "crew");
        using var admin = await app.ClientFor("admin");
        var users = await admin.GetFromJsonAsync<List<UserView>>("/api/users");
        // Every demo user is listed with its role (the E2E tests share the database and may add logins of their own).
        Assert.All(Roles.All, role => Assert.Contains(users!, u => u.Username == role && u.Roles.SequenceEqual([role])));
    }

    [Fact]
    public async Task Passwords_are_stored_hashed()
    {
        await using var cmd = app.DataSource.CreateCommand("SELECT password_hash FROM users WHERE username = 'admin'");
        var hash = (string)(await cmd.ExecuteScalarAsync())!;
        Assert.DoesNotContain("gridgov-demo", hash);
        Assert.True(hash.Length > 40);
    }
}
