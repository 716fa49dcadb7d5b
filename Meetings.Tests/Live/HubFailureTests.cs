using System.Data.Common;
using Meetings.Client.Contracts;
using Meetings.Server.Data;
using Meetings.Server.Live;
using Meetings.Tests.Support;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Meetings.Tests.Live;

/// <summary>A hub call that fails on the server, not refused by a rule, is answered in words and logged for the operator.</summary>
public class HubFailureTests
{
    [Test]
    public async Task ASignedInCall_WhoseSessionCannotBeChecked_IsAnsweredInWords_AndLoggedAsAnError()
    {
        var accounts = new AccountsUnreadable();
        using var host = new TestHost(services: s => s.ConfigureDbContext<SqliteMeetingsDbContext>(o => o.AddInterceptors(accounts)));
        var meeting = await (await host.SignInAsync(Demo.Clerk)).DemoMeeting();
        await using var clerk = await LiveClient.ConnectAsync(host, Demo.Clerk, "clerk", meeting.Meeting.Id);

        accounts.Unreadable = true;
        var failure = Assert.ThrowsAsync<HubException>(() => clerk.Connection.InvokeAsync<JoinResult>("Join", meeting.Meeting.Id, null));

        Assert.That(failure!.Message, Does.Contain("The server could not do this; nothing was changed."));
        Assert.That(host.Logs.From<HubGuards>(), Has.Some.Matches<LogSink.Entry>(e => e.Level == LogLevel.Error && e.Exception is not null));
    }

    /// <summary>Fails every read of the accounts while <see cref="Unreadable"/> is set, as a database gone away would.</summary>
    private sealed class AccountsUnreadable : DbCommandInterceptor
    {
        public volatile bool Unreadable;

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default) =>
            Unreadable && command.CommandText.Contains("AspNetUsers", StringComparison.Ordinal)
                ? throw new InvalidOperationException("The accounts cannot be read.")
                : base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
    }
}
