using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Hookline.Tests;

/// <summary>
/// A tiny HTTP proxy on a loopback address, port 0: forwards absolute-form requests (plain http) and tunnels CONNECT (https),
/// recording each connection's first request line. It forwards to loopback only, and answers 403 to anything else.
/// </summary>
internal sealed class TestProxy : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<string> _requestLines = new();
    private readonly ConcurrentBag<Task> _connections = [];
    private readonly Task _accepting;
    private int _accepted;

    private TestProxy(IPAddress address)
    {
        _listener = new TcpListener(address, 0);
        _listener.Start();
        var port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        Url = new Uri($"http://{address}:{port}/");
        _accepting = AcceptAsync();
    }

    /// <summary>The proxy's address, to set as the handler's <c>Proxy</c>.</summary>
    public Uri Url { get; }

    /// <summary>How many connections reached the proxy.</summary>
    public int Connections => Volatile.Read(ref _accepted);

    /// <summary>The first request line of each connection, e.g. <c>POST http://127.0.0.1:5000/hook HTTP/1.1</c>.</summary>
    public IReadOnlyList<string> RequestLines => [.. _requestLines];

    /// <summary>Starts a proxy on <paramref name="address"/>, a loopback address (127.0.0.1 by default).</summary>
    public static TestProxy Start(IPAddress? address = null)
    {
        address ??= IPAddress.Loopback;
        Assert.True(IPAddress.IsLoopback(address), "Tests send traffic to loopback only.");
        return new TestProxy(address);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await Task.WhenAll([_accepting, .. _connections]).WaitAsync(Eventually.DefaultTimeout);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                Interlocked.Increment(ref _accepted);
                _connections.Add(HandleAsync(client));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException
                                   || (e is InvalidOperationException && _stop.IsCancellationRequested))
        {
            // Stopped (an accept begun after the listener stopped says it is not listening).
        }
    }

    private async Task HandleAsync(TcpClient client)
    {
        using var _ = client;
        try
        {
            var stream = client.GetStream();
            var (head, headLength, read) = await ReadHeadAsync(stream);
            var requestLine = head[..head.IndexOf("\r\n", StringComparison.Ordinal)];
            _requestLines.Enqueue(requestLine);
            var parts = requestLine.Split(' ');
            var connect = parts[0] == "CONNECT";
            var target = new Uri(connect ? $"tcp://{parts[1]}" : parts[1]);
            if (!IPAddress.TryParse(target.DnsSafeHost, out var address) || !IPAddress.IsLoopback(address))
            {
                await stream.WriteAsync("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray(), _stop.Token);
                return;
            }

            using var upstream = new TcpClient(address.AddressFamily);
            await upstream.ConnectAsync(address, target.Port, _stop.Token);
            var up = upstream.GetStream();
            if (connect)
            {
                await stream.WriteAsync("HTTP/1.1 200 Connection established\r\n\r\n"u8.ToArray(), _stop.Token);
                await up.WriteAsync(read.AsMemory(headLength), _stop.Token);
            }
            else
            {
                // Kestrel takes the absolute-form request line as it is.
                await up.WriteAsync(read, _stop.Token);
            }

            await Task.WhenAny(stream.CopyToAsync(up, _stop.Token), up.CopyToAsync(stream, _stop.Token));
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException)
        {
            // A side closed, or the proxy stopped.
        }
    }

    /// <summary>Reads up to the end of the request head; returns it, its length in bytes, and every byte read.</summary>
    private async Task<(string Head, int Length, byte[] Read)> ReadHeadAsync(NetworkStream stream)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[4096];
        while (true)
        {
            var count = await stream.ReadAsync(chunk, _stop.Token);
            if (count == 0)
            {
                throw new IOException("The client closed before the end of the request head.");
            }

            buffer.Write(chunk, 0, count);
            var read = buffer.ToArray();
            var end = read.AsSpan().IndexOf("\r\n\r\n"u8);
            if (end >= 0)
            {
                return (Encoding.ASCII.GetString(read, 0, end + 4), end + 4, read);
            }
        }
    }
}
