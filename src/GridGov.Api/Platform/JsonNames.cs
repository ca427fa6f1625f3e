using System.Text.Json;

namespace GridGov.Api.Platform;

/// <summary>An enum value as the API spells it in JSON (camelCase: inProgress, doorKnock, workingDays).</summary>
public static class JsonNames
{
    public static string Of(Enum value) => JsonNamingPolicy.CamelCase.ConvertName(value.ToString());
}
