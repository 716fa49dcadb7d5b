namespace Meetings.Client.Contracts;

/// <summary>A language people can be served in: its code, its own name and the culture that writes its dates.</summary>
public sealed record LanguageInfo(string Code, string Name, string Culture);

/// <summary>
/// What <c>GET /api/languages</c> answers: the language the request asks for (its <c>?lang=</c>, else the person's choice
/// in the <c>meetings.lang</c> cookie, else the browser's Accept-Language, else the first configured), and all of them.
/// </summary>
public sealed record LanguageList(string Current, IReadOnlyList<LanguageInfo> Languages);
