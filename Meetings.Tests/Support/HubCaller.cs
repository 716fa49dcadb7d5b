using System.Security.Claims;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.SignalR;

namespace Meetings.Tests.Support;

/// <summary>A hub caller with nobody signed in, for calling a hub directly; the test closes its connection when it likes.</summary>
public sealed class HubCaller(string connectionId) : HubCallerContext, IDisposable
{
    private readonly CancellationTokenSource _closed = new();

    public void Close() => _closed.Cancel();

    public override string ConnectionId => connectionId;
    public override string? UserIdentifier => null;
    public override ClaimsPrincipal? User { get; } = new(new ClaimsIdentity());
    public override IDictionary<object, object?> Items { get; } = new Dictionary<object, object?>();
    public override IFeatureCollection Features { get; } = new FeatureCollection();
    public override CancellationToken ConnectionAborted => _closed.Token;
    public override void Abort() => _closed.Cancel();
    public void Dispose() => _closed.Dispose();
}
