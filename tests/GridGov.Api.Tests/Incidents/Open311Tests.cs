using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;

namespace GridGov.Api.Tests.Incidents;

[Collection(ApiCollection.Name)]
public class Open311Tests(GridGovFactory app)
{
    private async Task<string> NewKey() => (await IssueKey()).ApiKey;

    private async Task<(int Id, string ApiKey)> IssueKey()
    {
        using var admin = await app.ClientFor("admin");
        var response = await admin.PostAsJsonAsync("/api/open311/keys", new { name = "test-" + Guid.NewGuid().ToString("N")[..8] });
        var json = await response.Json(HttpStatusCode.Created);
        Assert.EndsWith($"/api/open311/keys/{json.GetProperty("id").GetInt32()}", response.Headers.Location?.ToString());
        return (json.GetProperty("id").GetInt32(), json.GetProperty("apiKey").GetString()!);
    }

    /// <summary>A request the key check lets through and the intake then refuses (unknown service): it counts, it stores nothing.</summary>
    private static Task<HttpResponseMessage> Probe(GeoReportClient client, string key) =>
        client.RawSubmitAsync([new("api_key", key), new("service_code", "99999"), new("lat", "25.95"), new("long", "115.41")]);

    [Fact]
    public async Task Services_are_the_categories()
    {
        var client = new GeoReportClient(app.CreateClient());
        var services = await client.ServicesAsync();
        Assert.True(services.Count >= 40);
        var light = services.Single(s => s.ServiceCode == "01037");
        Assert.Equal("路灯异常", light.ServiceName);
        Assert.Equal("realtime", light.Type);
        Assert.True(light.Metadata);
        var definition = await client.DefinitionAsync("01037");
        Assert.Contains(definition.Attributes, a => a.Code == "assetCode" && !a.Required);
        var missing = await Assert.ThrowsAsync<GeoReportClient.GeoReportException>(() => client.DefinitionAsync("99999"));
        Assert.Equal(404, missing.Status);
    }

    [Fact]
    public async Task A_request_posted_with_a_key_becomes_a_routed_incident_and_reads_back_open_then_closed()
    {
        var spot = await Spots.Next(app, 1);
        var key = await NewKey();
        var client = new GeoReportClient(app.CreateClient());
        // The lamp nearest the spot, named by its code: the case stands at the lamp, in the lamp's unit grid.
        await using var nearest = app.DataSource.CreateCommand(
            "SELECT trim(code), unit_grid_code FROM streetlights WHERE component = '01037' ORDER BY location <-> ST_SetSRID(ST_MakePoint($1, $2), 4490) LIMIT 1");
        nearest.Parameters.AddWithValue(spot.Lon);
        nearest.Parameters.AddWithValue(spot.Lat);
        string lampCode, lampUnit;
        await using (var r = await nearest.ExecuteReaderAsync())
        {
            Assert.True(await r.ReadAsync());
            (lampCode, lampUnit) = (r.GetString(0), r.GetString(1));
        }
        var receipt = await client.SubmitAsync(key, "01037", spot.Lat, spot.Lon, "路灯不亮", new Dictionary<string, string> { ["assetCode"] = lampCode });
        Assert.False(string.IsNullOrEmpty(receipt.ServiceRequestId));
        var id = long.Parse(receipt.ServiceRequestId!);

        var request = await client.RequestAsync(receipt.ServiceRequestId!);
        Assert.Equal("open", request.Status);
        Assert.Equal("01037", request.ServiceCode);
        Assert.NotNull(request.ExpectedDatetime);
        Assert.Contains(await client.RequestsAsync("?status=open&service_code=01037"), r => r.ServiceRequestId == receipt.ServiceRequestId);

        using var dispatcher = await app.ClientFor("dispatcher");
        var detail = await dispatcher.GetFromJsonAsync<JsonElement>($"/api/incidents/{id}");
        Assert.Equal(lampUnit, detail.GetProperty("unitGridCode").GetString());
        Assert.Equal("resident", detail.GetProperty("source").GetString());
        Assert.StartsWith("open311:", detail.GetProperty("channel").GetString());
        Assert.Equal(lampCode, detail.GetProperty("assetCode").GetString());
        Assert.Equal("lamp", detail.GetProperty("assetKind").GetString());

        (await dispatcher.Act(id, "void", note: "测试结束")).EnsureSuccessStatusCode();
        Assert.Equal("closed", (await client.RequestAsync(receipt.ServiceRequestId!)).Status);
        Assert.Contains(await client.RequestsAsync($"?service_request_id={id}"), r => r.Status == "closed");
    }

    [Fact]
    public async Task Errors_come_in_the_specs_format()
    {
        var client = new GeoReportClient(app.CreateClient());
        var key = await NewKey();
        async Task<GeoReportClient.GeoReportException> Fails(params (string, string)[] form)
        {
            var response = await client.RawSubmitAsync(form.Select(f => new KeyValuePair<string, string>(f.Item1, f.Item2)));
            return await Assert.ThrowsAsync<GeoReportClient.GeoReportException>(() => GeoReportClient.Read<object>(response));
        }
        var noKey = await Fails(("service_code", "01037"), ("lat", "25.9"), ("long", "115.4"));
        Assert.Equal(403, noKey.Status);
        Assert.Equal(403, noKey.Errors.Single().Code);
        Assert.Equal(403, (await Fails(("api_key", "gg311_wrong"), ("service_code", "01037"), ("lat", "25.9"), ("long", "115.4"))).Status);
        var noPlace = await Fails(("api_key", key), ("service_code", "01037"), ("address_string", "人民路 1 号"));
        Assert.Contains("lat and long", noPlace.Errors.Single().Description);
        var badService = await Fails(("api_key", key), ("service_code", "99999"), ("lat", "25.9"), ("long", "115.4"));
        Assert.Equal(400, badService.Status);
        Assert.Contains("service_code", badService.Errors.Single().Description);
        Assert.Equal(400, (await Fails(("api_key", key), ("service_code", "01037"), ("lat", "95"), ("long", "115.4"))).Status);

        var notFound = await Assert.ThrowsAsync<GeoReportClient.GeoReportException>(() => client.RequestAsync("987654321"));
        Assert.Equal(404, notFound.Status);
        var xml = await app.CreateClient().GetAsync("/open311/v2/services.xml");
        Assert.Equal(HttpStatusCode.BadRequest, xml.StatusCode);
        Assert.Contains("JSON only", (await xml.Content.ReadFromJsonAsync<List<GeoReportClient.Error>>())!.Single().Description);
        var badStatus = await Assert.ThrowsAsync<GeoReportClient.GeoReportException>(() => client.RequestsAsync("?status=pending"));
        Assert.Equal(400, badStatus.Status);
    }

    [Fact]
    public async Task A_revoked_key_is_refused_on_its_very_next_request()
    {
        var (id, key) = await IssueKey();
        var client = new GeoReportClient(app.CreateClient());
        Assert.Equal(HttpStatusCode.BadRequest, (await Probe(client, key)).StatusCode);
        using var admin = await app.ClientFor("admin");
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/open311/keys/{id}")).StatusCode);

        var next = await Probe(client, key);
        var refused = await Assert.ThrowsAsync<GeoReportClient.GeoReportException>(() => GeoReportClient.Read<object>(next));
        Assert.Equal(403, refused.Status);
        Assert.Equal(403, refused.Errors.Single().Code);
        Assert.Contains("revoked", refused.Errors.Single().Description);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/open311/keys/{id}")).StatusCode);
        var listed = await admin.GetFromJsonAsync<JsonElement>($"/api/open311/keys/{id}");
        Assert.True(listed.GetProperty("revoked").GetBoolean());
        Assert.Equal("admin", listed.GetProperty("revokedBy").GetString());
    }

    [Fact]
    public async Task Each_key_has_its_own_rate_limit()
    {
        using var limited = app.WithWebHostBuilder(b => b.UseSetting("Incidents:Open311PermitsPerMinute", "2"));
        var first = await NewKey();
        var second = await NewKey();
        var client = new GeoReportClient(limited.CreateClient());
        Assert.Equal(HttpStatusCode.BadRequest, (await Probe(client, first)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Probe(client, first)).StatusCode);
        var third = await Probe(client, first);
        Assert.True(third.Headers.RetryAfter?.Delta > TimeSpan.Zero, "429 says when to retry");
        var limit = await Assert.ThrowsAsync<GeoReportClient.GeoReportException>(() => GeoReportClient.Read<object>(third));
        Assert.Equal(429, limit.Status);
        Assert.Equal(429, limit.Errors.Single().Code);
        Assert.Contains("API key", limit.Errors.Single().Description);
        // The same address with another key has that key's own allowance.
        Assert.Equal(HttpStatusCode.BadRequest, (await Probe(client, second)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Probe(client, second)).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await Probe(client, second)).StatusCode);
    }

    [Fact]
    public async Task Admins_list_keys_with_their_first_characters_never_the_key()
    {
        var (id, key) = await IssueKey();
        var spot = await Spots.Next(app);
        await new GeoReportClient(app.CreateClient()).SubmitAsync(key, "06002", spot.Lat, spot.Lon, "垃圾堆放");
        using var admin = await app.ClientFor("admin");
        var response = await admin.GetAsync("/api/open311/keys");
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain(key, body);
        Assert.DoesNotContain(key[..20], body);
        var listed = JsonDocument.Parse(body).RootElement.EnumerateArray().Single(k => k.GetProperty("id").GetInt32() == id);
        Assert.StartsWith("test-", listed.GetProperty("name").GetString());
        Assert.Equal(key[..10], listed.GetProperty("prefix").GetString());
        Assert.Equal("admin", listed.GetProperty("createdBy").GetString());
        Assert.True(listed.GetProperty("lastUsedAt").GetDateTimeOffset() >= listed.GetProperty("createdAt").GetDateTimeOffset());
        Assert.False(listed.GetProperty("revoked").GetBoolean());
        Assert.False(listed.TryGetProperty("keyHash", out _));
    }

    [Fact]
    public async Task Only_an_admin_lists_and_revokes_keys_and_an_unknown_key_is_a_404_problem()
    {
        var (id, _) = await IssueKey();
        using var dispatcher = await app.ClientFor("dispatcher");
        await ProblemAssert.IsProblem(await dispatcher.GetAsync("/api/open311/keys"), HttpStatusCode.Forbidden, "dispatcher");
        await ProblemAssert.IsProblem(await dispatcher.DeleteAsync($"/api/open311/keys/{id}"), HttpStatusCode.Forbidden, "dispatcher");
        using var crew = await app.ClientFor("crew");
        await ProblemAssert.IsProblem(await crew.DeleteAsync($"/api/open311/keys/{id}"), HttpStatusCode.Forbidden);
        using var admin = await app.ClientFor("admin");
        Assert.False((await admin.GetFromJsonAsync<JsonElement>($"/api/open311/keys/{id}")).GetProperty("revoked").GetBoolean());
        await ProblemAssert.IsProblem(await admin.DeleteAsync("/api/open311/keys/987654321"), HttpStatusCode.NotFound, "no Open311 key 987654321");
        await ProblemAssert.IsProblem(await admin.GetAsync("/api/open311/keys/987654321"), HttpStatusCode.NotFound, "GET /api/open311/keys");
    }

    [Fact]
    public async Task Only_an_admin_issues_keys()
    {
        using var dispatcher = await app.ClientFor("dispatcher");
        await ProblemAssert.IsProblem(await dispatcher.PostAsJsonAsync("/api/open311/keys", new { name = "x" }), HttpStatusCode.Forbidden);
        using var admin = await app.ClientFor("admin");
        await ProblemAssert.IsProblem(await admin.PostAsJsonAsync("/api/open311/keys", new { name = "" }), HttpStatusCode.BadRequest, "name");
    }
}
