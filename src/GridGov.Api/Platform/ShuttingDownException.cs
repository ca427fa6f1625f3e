namespace GridGov.Api.Platform;

/// <summary>
/// The service is stopping and could not carry out (or confirm) the request: answered 503 with Retry-After, never 500.
/// Writes are keyed, so sending the same request again (here once restarted, or to another instance) stores it once.
/// </summary>
public sealed class ShuttingDownException(string message) : Exception(message);
