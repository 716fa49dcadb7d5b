using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.OpenApi;

namespace Meetings.Server.Errors;

public static class ApiDocument
{
    public const string CookieScheme = "cookie";

    /// <summary>Says in the OpenAPI document that the endpoint (or group) may answer 409 with the rule of procedure that refuses it.</summary>
    public static TBuilder MeetsRules<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(RulesMetadata.Instance);

    private sealed class RulesMetadata
    {
        public static readonly RulesMetadata Instance = new();
    }

    /// <summary>
    /// The OpenAPI document at <c>/openapi/v1.json</c>, saying what each operation can answer: the success each
    /// endpoint declares, and the refusals that follow from its shape: 401 and 403 from its authorization (with
    /// the sign-in cookie as its security), 400 for any input, 404 for an id in the path, 413 and 415 for a body,
    /// 429 where rate-limited, and 503 anywhere the database is needed. A 409 is declared by the endpoints that meet rules.
    /// </summary>
    public static IHostApplicationBuilder AddApiDocument(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOpenApi(o =>
        {
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[CookieScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Cookie, Name = "meetings.auth",
                    Description = "The session cookie set by POST /api/auth/login.",
                };
                return Task.CompletedTask;
            });
            o.AddOperationTransformer(DescribeRefusalsAsync);
        });
        return builder;
    }

    private static async Task DescribeRefusalsAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        var description = context.Description;
        var metadata = description.ActionDescriptor.EndpointMetadata;
        var document = context.Document!;
        if (document.Components?.Schemas?.ContainsKey(nameof(ProblemDetails)) != true)
            document.AddComponent(nameof(ProblemDetails), await context.GetOrCreateSchemaAsync(typeof(ProblemDetails), null, ct));
        var problem = new OpenApiSchemaReference(nameof(ProblemDetails), document);
        operation.Responses ??= [];
        void Refusal(int status, string why)
        {
            var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (operation.Responses.ContainsKey(key)) return;
            operation.Responses[key] = new OpenApiResponse
            {
                Description = why,
                Content = new Dictionary<string, OpenApiMediaType> { ["application/problem+json"] = new() { Schema = problem } },
            };
        }

        var authorize = metadata.OfType<IAuthorizeData>().ToList();
        if (authorize.Count > 0 && !metadata.OfType<IAllowAnonymous>().Any())
        {
            operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(CookieScheme, document)] = [] }];
            Refusal(401, "Not signed in.");
            if (authorize.Any(a => a.Policy is not null || a.Roles is not null)) Refusal(403, "Signed in, but this role may not do this.");
        }
        var hasBody = description.ParameterDescriptions.Any(p => p.Source.Id == "Body");
        if (description.ParameterDescriptions.Count > 0) Refusal(400, "Invalid input: the field errors say which and why.");
        if (description.ParameterDescriptions.Any(p => p.Source.Id == "Path")) Refusal(404, "No such thing (or one this caller may not see).");
        if (hasBody)
        {
            Refusal(413, "The body is larger than this endpoint takes.");
            Refusal(415, "The body is not JSON.");
        }
        if (metadata.OfType<RulesMetadata>().Any()) Refusal(409, "A rule refuses this now (the meeting's state, a duplicate, a lost race); `rule` names it when there is one.");
        if (metadata.OfType<EnableRateLimitingAttribute>().Any()) Refusal(429, "Too many requests from this address; try again in a minute.");
        Refusal(503, "The database could not answer or take the change, or the server has too much of this work in hand just now (`Retry-After` says when to ask again); nothing was changed.");
    }
}
