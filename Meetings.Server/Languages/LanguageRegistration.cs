using Meetings.Client.Contracts;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Localization;

namespace Meetings.Server.Languages;

public static class LanguageRegistration
{
    /// <summary>The cookie that keeps a person's choice of language, read by server pages and the web client alike.</summary>
    public const string Cookie = "meetings.lang";

    // Words only the server says (mails, texts, phone, its own pages) are not sent to browsers.
    private static readonly string[] ServerOnly = ["notice.", "change.", "phone.", "page.", "calendar.", "minutes."];

    /// <summary>
    /// The configured languages (<c>Languages</c>: code, culture, Twilio voice, keypad digit) with their words from
    /// <c>Languages/Words*.resx</c> and the optional folder <c>LanguageFiles</c>; <see cref="IStringLocalizer"/> by the current UI culture.
    /// </summary>
    public static IHostApplicationBuilder AddLanguages(this IHostApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection("Languages").Get<List<LanguageOption>>() ?? [];
        string[] folders =
        [
            Path.Combine(AppContext.BaseDirectory, "Languages"),
            Path.Combine(builder.Environment.ContentRootPath, "Languages"),
            .. builder.Configuration["LanguageFiles"] is { Length: > 0 } extra ? new[] { extra } : [],
        ];
        builder.Services.AddSingleton(new Languages(options, folders.Distinct()));
        builder.Services.AddSingleton<IStringLocalizerFactory, CurrentLanguage>();
        builder.Services.TryAddTransient(typeof(IStringLocalizer<>), typeof(StringLocalizer<>));
        return builder;
    }

    /// <summary><c>GET /api/languages</c> and <c>GET /api/languages/{code}</c>: the languages, and one language's words for the web client.</summary>
    public static void MapLanguages(this WebApplication app)
    {
        var group = app.MapGroup("/api/languages").WithTags("Languages");
        group.MapGet("/", (HttpRequest request, Languages languages) => new LanguageList(languages.FromRequest(request).Code,
            languages.All.Select(l => new LanguageInfo(l.Code, l.Name, l.Culture.Name)).ToList()));
        group.MapGet("/{code}", (string code, Languages languages) => languages.Has(code)
            ? Results.Ok(languages.For(code).GetAllStrings(true).Where(w => !ServerOnly.Any(p => w.Name.StartsWith(p, StringComparison.Ordinal)))
                .ToDictionary(w => w.Name, w => w.Value))
            : Results.Problem(statusCode: StatusCodes.Status404NotFound, title: $"No language '{code}'."));
    }

    /// <summary>The language a request asks for: <c>?lang=</c>, else the person's choice (cookie), else the browser's (Accept-Language), else the default.</summary>
    public static Language FromRequest(this Languages languages, HttpRequest request)
    {
        if (languages.Has(request.Query["lang"])) return languages.For(request.Query["lang"]);
        if (languages.Has(request.Cookies[Cookie])) return languages.For(request.Cookies[Cookie]);
        var accepted = request.GetTypedHeaders().AcceptLanguage.OrderByDescending(a => a.Quality ?? 1).Select(a => a.Value.Value);
        foreach (var tag in accepted)
            if (tag is not null && (languages.Has(tag) || languages.Has(tag.Split('-')[0]))) return languages.For(tag);
        return languages.Default;
    }

    /// <summary>Localizers for the current UI culture, from the configured languages' words.</summary>
    private sealed class CurrentLanguage(Languages languages) : IStringLocalizerFactory
    {
        public IStringLocalizer Create(Type resourceSource) => new Current(languages);

        public IStringLocalizer Create(string baseName, string location) => new Current(languages);

        private sealed class Current(Languages languages) : IStringLocalizer
        {
            private Language Now => languages.For(System.Globalization.CultureInfo.CurrentUICulture.Name);
            public LocalizedString this[string name] => Now[name];
            public LocalizedString this[string name, params object[] arguments] => Now[name, arguments];
            public IEnumerable<LocalizedString> GetAllStrings(bool includeParentCultures) => Now.GetAllStrings(includeParentCultures);
        }
    }
}
