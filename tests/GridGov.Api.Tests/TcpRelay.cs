using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace GridGov.Api.Tests;

/// <summary>
/// A TCP relay in front of the test PostgreSQL that a test can cut: open connections drop and new ones are refused,
/// as when the database host goes away. Lets a test see the service without its database, without mocks.
/// </summary>
internal sealed class TcpRelay : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly ConcurrentBag<TcpClient> _sockets = [];
    private readonly CancellationTokenSource _cut = new();
    private readonly string _host;
    private readonly int _port;

    private TcpRelay(string host, int port) => (_host, _port) = (host, port);

    /// <summary>A relay to the test database; <see cref="ConnectionString"/> goes through it.</summary>
    public static TcpRelay ToTestDatabase()
    {
        var target = new NpgsqlConnectionStringBuilder(GridGovFactory.ConnectionString);
        var relay = new TcpRelay(target.Host!, target.Port);
        relay._listener.Start();
        _ = relay.AcceptAsync();
        return relay;
    }

    public string ConnectionString => new NpgsqlConnectionStringBuilder(GridGovFactory.ConnectionString)
    {
        Host = "127.0.0.1", Port = ((IPEndPoint)_listener.LocalEndpoint).Port, ApplicationName = "gridgov-relayed",
    }.ConnectionString;

    private async Task AcceptAsync()
    {
        try
        {
            while (!_cut.IsCancellationRequested)
            {
                var inbound = await _listener.AcceptTcpClientAsync(_cut.Token);
                var outbound = new TcpClient();
                _sockets.Add(inbound);
                _sockets.Add(outbound);
                await outbound.ConnectAsync(_host, _port, _cut.Token);
                _ = PipeAsync(inbound, outbound);
                _ = PipeAsync(outbound, inbound);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
    }

    private async Task PipeAsync(TcpClient from, TcpClient to)
    {
        try
        {
            await from.GetStream().CopyToAsync(to.GetStream(), _cut.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or IOException or SocketException)
        {
        }
        from.Dispose();
        to.Dispose();
    }

    /// <summary>Drops every relayed connection and refuses new ones.</summary>
    public void Cut()
    {
        _cut.Cancel();
        _listener.Stop();
        foreach (var socket in _sockets) socket.Dispose();
    }

    public ValueTask DisposeAsync()
    {
        Cut();
        _cut.Dispose();
        return ValueTask.CompletedTask;
    }
}
