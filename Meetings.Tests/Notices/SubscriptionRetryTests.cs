using System.Net;
using Meetings.Client.Contracts;
using Meetings.Server.Notices;
using Meetings.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Meetings.Tests.Notices;

/// <summary>Subscribing on a database with SQL Server's kind of retries (<see cref="RetryingDatabase"/>).</summary>
public class SubscriptionRetryTests : NoticeFixture
{
    private readonly LosesOneCommitsAnswer<Subscriber> _losing = new();

    protected override Action<IServiceCollection>? Services => s => RetryingDatabase.Register(s, _losing.Interceptors);

    [Test]
    public async Task ASubscriptionWhoseCommitsAnswerIsLost_StillGetsItsConfirmation_Once()
    {
        var email = NewEmail();
        _losing.Arm();
        var result = await Host.Anonymous().Send<SubscribeResult>(HttpMethod.Post, $"/api/bodies/{Body.Id}/subscriptions",
            new SubscribeRequest(email), HttpStatusCode.Accepted);
        Assert.That(_losing.Lost, "the subscription's commit took, and its answer was lost");
        Assert.That(result.Email, Does.Contain("Check your e-mail"));

        // Tried again, the request would find the confirmation already claimed (one in ten minutes) and send none.
        var confirmation = (await SmtpSink.WaitFor(email)).Single();
        Assert.That(LinkIn(confirmation.TextBody ?? "", "/api/subscriptions/confirm?token="), Is.Not.Empty);
        Assert.That(Host.WithDb(db => db.Subscribers.Count(s => s.Email == email)), Is.EqualTo(1));
    }
}
