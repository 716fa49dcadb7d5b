using System.Reflection;
using System.Text.RegularExpressions;
using Meetings.Server.Domain;

namespace Meetings.Tests.Architecture;

public partial class DomainPurityTests
{
    private static readonly Assembly Server = typeof(Meeting).Assembly;

    private static bool Allowed(Type? type) =>
        type is null || type.IsGenericParameter
        || (type.Namespace?.StartsWith("System", StringComparison.Ordinal) == true && type.Assembly.GetName().Name!.StartsWith("System", StringComparison.Ordinal))
        || type.Assembly.GetName().Name == "System.Private.CoreLib"
        || type.Namespace == typeof(Meeting).Namespace;

    [Test]
    public void DomainTypes_UseOnlySystemTypesAndEachOther_InEverySignature()
    {
        var offenders = new List<string>();
        foreach (var type in Server.GetTypes().Where(t => t.Namespace == typeof(Meeting).Namespace))
        {
            const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            var used = new List<Type?> { type.BaseType };
            used.AddRange(type.GetInterfaces());
            used.AddRange(type.GetFields(All).Select(f => f.FieldType));
            used.AddRange(type.GetProperties(All).Select(p => p.PropertyType));
            foreach (var method in type.GetMethods(All).Cast<MethodBase>().Concat(type.GetConstructors(All)))
            {
                used.AddRange(method.GetParameters().Select(p => p.ParameterType));
                if (method is MethodInfo m) used.Add(m.ReturnType);
                used.AddRange(method.GetMethodBody()?.LocalVariables.Select(l => l.LocalType) ?? []);
            }
            used.AddRange(type.GetCustomAttributes(true).Select(a => a.GetType()));
            offenders.AddRange(used.SelectMany(Flatten).Where(t => !Allowed(t)).Select(t => $"{type.Name} uses {t.FullName}"));
        }
        Assert.That(offenders.Distinct(), Is.Empty);
    }

    [Test]
    public void DomainSources_ImportOnlySystemNamespaces()
    {
        var folder = Path.Combine(SolutionFolder(), "Meetings.Server", "Domain");
        var imports = Directory.GetFiles(folder, "*.cs", SearchOption.AllDirectories)
            .SelectMany(f => UsingDirective().Matches(File.ReadAllText(f)).Select(m => (File: Path.GetFileName(f), Namespace: m.Groups[1].Value)))
            .ToList();
        Assert.That(Directory.GetFiles(folder, "*.cs"), Is.Not.Empty);
        Assert.That(imports.Where(i => !i.Namespace.StartsWith("System", StringComparison.Ordinal)).Select(i => $"{i.File}: using {i.Namespace}"), Is.Empty);
    }

    private static IEnumerable<Type> Flatten(Type? type)
    {
        if (type is null) yield break;
        if (type.HasElementType) { foreach (var t in Flatten(type.GetElementType())) yield return t; yield break; }
        yield return type.IsGenericType ? type.GetGenericTypeDefinition() : type;
        if (type.IsGenericType)
            foreach (var arg in type.GetGenericArguments().SelectMany(Flatten)) yield return arg;
    }

    internal static string SolutionFolder()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Meetings.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Meetings.sln not found above the test output.");
    }

    [GeneratedRegex(@"^\s*using\s+(?:static\s+)?([\w.]+)\s*;", RegexOptions.Multiline)]
    private static partial Regex UsingDirective();
}
