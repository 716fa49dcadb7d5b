using System.Reflection;
using System.Text.Json;
using Meetings.Server.Live;

namespace Meetings.Tests.Live;

/// <summary>
/// SignalR binds the hub's methods by reflection, not compiled expression trees, for a quicker start
/// (<c>Microsoft.AspNetCore.SignalR.Hub.IsCustomAwaitableSupported</c> off in Meetings.Server.csproj). That way it awaits
/// only Task, Task&lt;T&gt;, ValueTask and ValueTask&lt;T&gt;: a method returning another awaitable would be answered with
/// the awaitable itself, before it finished.
/// </summary>
public class HubBindingTests
{
    private const string Switch = "Microsoft.AspNetCore.SignalR.Hub.IsCustomAwaitableSupported";

    [Test]
    public void EveryHubMethod_ReturnsATaskThatReflectionBindingAwaits()
    {
        // As in HubAuthorizationTests: overrides of Hub's own life-cycle methods are not callable by clients.
        var others = typeof(MeetingHub).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(m => m.GetBaseDefinition().DeclaringType == typeof(MeetingHub) && !IsAwaitedTask(m.ReturnType))
            .Select(m => $"{m.Name} returns {m.ReturnType.Name}");
        Assert.That(others, Is.Empty);
    }

    [Test]
    public void TheServer_AndTheServersTheTestsHost_BindTheHubByReflection()
    {
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Meetings.Server.runtimeconfig.json")));
        var server = config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties").GetProperty(Switch).GetBoolean();
        Assert.Multiple(() =>
        {
            Assert.That(server, Is.False, "the server's runtimeconfig");
            Assert.That(AppContext.TryGetSwitch(Switch, out var here) && !here, "this test process");
        });
    }

    private static bool IsAwaitedTask(Type type) =>
        typeof(Task).IsAssignableFrom(type) || type == typeof(ValueTask)
        || type.IsGenericType && type.GetGenericTypeDefinition() == typeof(ValueTask<>);
}
