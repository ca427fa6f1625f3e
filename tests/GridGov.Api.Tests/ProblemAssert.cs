using System.Net;
using System.Text.Json;

namespace GridGov.Api.Tests;

internal static class ProblemAssert
{
    /// <summary>Asserts an RFC 9457 problem with the status and a human-readable detail; returns the parsed body.</summary>
    public static async Task<JsonElement> IsProblem(HttpResponseMessage response, HttpStatusCode status, string? detailContains = null)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var json = JsonDocument.Parse(body).RootElement;
        Assert.Equal((int)status, json.GetProperty("status").GetInt32());
        var detail = json.GetProperty("detail").GetString();
        Assert.False(string.IsNullOrWhiteSpace(detail));
        if (detailContains is not null) Assert.Contains(detailContains, detail, StringComparison.OrdinalIgnoreCase);
        return json;
    }
}
