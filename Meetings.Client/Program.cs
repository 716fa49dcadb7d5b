using Meetings.Client;
using Meetings.Client.Services;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.Components.WebAssembly.Hosting;

var builder = WebAssemblyHostBuilder.CreateDefault(args);
builder.RootComponents.Add<App>("#app");
builder.RootComponents.Add<HeadOutlet>("head::after");

var baseAddress = new Uri(builder.HostEnvironment.BaseAddress);
builder.Services.AddScoped(_ => new HttpClient { BaseAddress = baseAddress });
builder.Services.AddScoped<Api>();
builder.Services.AddScoped<Session>();
builder.Services.AddScoped<Text>();
builder.Services.AddScoped<Microsoft.Extensions.Localization.IStringLocalizer>(sp => sp.GetRequiredService<Text>());
builder.Services.AddTransient(sp => new LiveMeeting(sp.GetRequiredService<Microsoft.JSInterop.IJSRuntime>(), baseAddress));

var host = builder.Build();
await host.Services.GetRequiredService<Text>().LoadAsync();
await host.RunAsync();
