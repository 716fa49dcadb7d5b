using System.Reflection;
using Meetings.Server.Domain;

namespace Meetings.Tests.Architecture;

/// <summary>
/// What the README's verifier relies on: journal payloads carry no fractional numbers (so Python's json.dumps with
/// sorted keys writes exactly the RFC 8785 form of them), and every field marked as free text is a string.
/// </summary>
public class JournalPayloadTests
{
    private static readonly Type[] Fractions = [typeof(float), typeof(double), typeof(decimal), typeof(Half)];

    private static IEnumerable<Type> EventTypes => typeof(MeetingEvent).Assembly.GetTypes()
        .Where(t => t.IsSubclassOf(typeof(MeetingEvent)) && !t.IsAbstract);

    [Test]
    public void NoJournalEvent_CarriesAFractionalNumber()
    {
        var offenders = new List<string>();
        var seen = new HashSet<Type>();
        void Visit(Type type, string path)
        {
            type = Nullable.GetUnderlyingType(type) ?? type;
            if (Fractions.Contains(type)) offenders.Add(path);
            if (type.IsGenericType) foreach (var arg in type.GetGenericArguments()) Visit(arg, path + "<>");
            if (type.IsArray) Visit(type.GetElementType()!, path + "[]");
            if (type.Namespace != typeof(MeetingEvent).Namespace || type.IsEnum || !seen.Add(type)) return;
            foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance)) Visit(p.PropertyType, $"{path}.{p.Name}");
        }
        foreach (var type in EventTypes) Visit(type, type.Name);

        Assert.That(EventTypes.Count(), Is.GreaterThan(40));
        Assert.That(offenders, Is.Empty);
    }

    [Test]
    public void FreeText_IsAlwaysAString_AndResidentsTypedFieldsAreFreeText()
    {
        var marked = EventTypes.SelectMany(t => t.GetProperties().Where(p => p.GetCustomAttribute<FreeTextAttribute>() is not null)).ToList();

        Assert.That(marked.Select(p => p.PropertyType).Distinct(), Is.EqualTo(new[] { typeof(string) }));
        Assert.That(marked.Select(p => $"{p.DeclaringType!.Name}.{p.Name}"), Is.EquivalentTo(new[]
        {
            "SpeakerSignedUp.Name", "WrittenCommentSubmitted.Name", "WrittenCommentSubmitted.Text",
        }));
    }
}
