using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace GridGov.Api.Tests.Incidents;

/// <summary>
/// A GeoReport v2 client written from the Open311 specification (wiki.open311.org/GeoReport_v2), used to prove the
/// server speaks it: JSON format, form-encoded POST with api_key, errors as [{ code, description }].
/// </summary>
public sealed class GeoReportClient(HttpClient http, string root = "/open311/v2")
{
    public sealed record Service(
        [property: JsonPropertyName("service_code")] string ServiceCode,
        [property: JsonPropertyName("service_name")] string ServiceName,
        [property: JsonPropertyName("description")] string? Description,
        [property: JsonPropertyName("metadata")] bool Metadata,
        [property: JsonPropertyName("type")] string Type,
        [property: JsonPropertyName("keywords")] string? Keywords,
        [property: JsonPropertyName("group")] string? Group);

    public sealed record Attribute(
        [property: JsonPropertyName("variable")] bool Variable,
        [property: JsonPropertyName("code")] string Code,
        [property: JsonPropertyName("datatype")] string Datatype,
        [property: JsonPropertyName("required")] bool Required,
        [property: JsonPropertyName("order")] int Order,
        [property: JsonPropertyName("description")] string Description);

    public sealed record Definition(
        [property: JsonPropertyName("service_code")] string ServiceCode,
        [property: JsonPropertyName("attributes")] List<Attribute> Attributes);

    public sealed record Receipt(
        [property: JsonPropertyName("service_request_id")] string? ServiceRequestId,
        [property: JsonPropertyName("token")] string? Token,
        [property: JsonPropertyName("service_notice")] string? ServiceNotice);

    public sealed record ServiceRequest(
        [property: JsonPropertyName("service_request_id")] string ServiceRequestId,
        [property: JsonPropertyName("status")] string Status,
        [property: JsonPropertyName("status_notes")] string? StatusNotes,
        [property: JsonPropertyName("service_name")] string? ServiceName,
        [property: JsonPropertyName("service_code")] string ServiceCode,
        [property: JsonPropertyName("description")] string? Description,
        [property: JsonPropertyName("agency_responsible")] string? AgencyResponsible,
        [property: JsonPropertyName("requested_datetime")] DateTimeOffset RequestedDatetime,
        [property: JsonPropertyName("updated_datetime")] DateTimeOffset? UpdatedDatetime,
        [property: JsonPropertyName("expected_datetime")] DateTimeOffset? ExpectedDatetime,
        [property: JsonPropertyName("lat")] double Lat,
        [property: JsonPropertyName("long")] double Long);

    public sealed record Error([property: JsonPropertyName("code")] int Code, [property: JsonPropertyName("description")] string Description);

    public sealed class GeoReportException(int status, List<Error> errors) : Exception(string.Join("; ", errors.Select(e => $"{e.Code}: {e.Description}")))
    {
        public int Status { get; } = status;
        public List<Error> Errors { get; } = errors;
    }

    public Task<List<Service>> ServicesAsync() => Get<List<Service>>($"{root}/services.json");

    public Task<Definition> DefinitionAsync(string code) => Get<Definition>($"{root}/services/{Uri.EscapeDataString(code)}.json");

    public async Task<Receipt> SubmitAsync(string apiKey, string serviceCode, double lat, double lon, string? description = null,
        IReadOnlyDictionary<string, string>? attributes = null)
    {
        var form = new List<KeyValuePair<string, string>>
        {
            new("api_key", apiKey), new("service_code", serviceCode),
            new("lat", lat.ToString("R", System.Globalization.CultureInfo.InvariantCulture)),
            new("long", lon.ToString("R", System.Globalization.CultureInfo.InvariantCulture)),
        };
        if (description is not null) form.Add(new("description", description));
        foreach (var (code, value) in attributes ?? new Dictionary<string, string>()) form.Add(new($"attribute[{code}]", value));
        var response = await http.PostAsync($"{root}/requests.json", new FormUrlEncodedContent(form));
        return (await Read<List<Receipt>>(response)).Single();
    }

    public async Task<HttpResponseMessage> RawSubmitAsync(IEnumerable<KeyValuePair<string, string>> form) =>
        await http.PostAsync($"{root}/requests.json", new FormUrlEncodedContent(form));

    public Task<List<ServiceRequest>> RequestsAsync(string query = "") => Get<List<ServiceRequest>>($"{root}/requests.json{query}");

    public async Task<ServiceRequest> RequestAsync(string id) => (await Get<List<ServiceRequest>>($"{root}/requests/{Uri.EscapeDataString(id)}.json")).Single();

    private async Task<T> Get<T>(string url) => await Read<T>(await http.GetAsync(url));

    public static async Task<T> Read<T>(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
            throw new GeoReportException((int)response.StatusCode, JsonSerializer.Deserialize<List<Error>>(body) ?? []);
        return JsonSerializer.Deserialize<T>(body)!;
    }
}
