using GridGov.Api.Platform;
using Npgsql;

namespace GridGov.Api.Tests;

/// <summary>A read that ran out of time is said to be too heavy, not "database not reachable"; a database that is away still is.</summary>
public class TooHeavyTests
{
    [Fact]
    public void A_timeout_on_either_side_is_too_heavy_and_a_lost_connection_is_the_database_away()
    {
        Assert.Equal("Too heavy", ServiceUnavailableHandler.Describe(new NpgsqlException("Exception while reading from stream", new TimeoutException())).Title);
        Assert.Equal("Too heavy", ServiceUnavailableHandler.Describe(new PostgresException("canceling statement due to statement timeout", "ERROR", "ERROR", PostgresErrorCodes.QueryCanceled)).Title);
        Assert.Contains("shorter period", ServiceUnavailableHandler.Describe(new InvalidOperationException("x", new NpgsqlException("x", new TimeoutException()))).Detail);
        Assert.Equal("Database unavailable", ServiceUnavailableHandler.Describe(new NpgsqlException("Failed to connect", new System.Net.Sockets.SocketException())).Title);
        Assert.Equal("Database unavailable", ServiceUnavailableHandler.Describe(new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", PostgresErrorCodes.AdminShutdown)).Title);
        Assert.Null(ServiceUnavailableHandler.Describe(new PostgresException("duplicate key", "ERROR", "ERROR", PostgresErrorCodes.UniqueViolation)).Title);
    }
}
