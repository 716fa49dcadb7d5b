using Meetings.Client.Services;

namespace Meetings.Tests.Security;

/// <summary>Signing in goes back to a page of this site, never to a site a link names.</summary>
public class ReturnUrlTests
{
    [TestCase("/clerk/3f2b", "/clerk/3f2b")]
    [TestCase("/meetings/3f2b?lang=es", "/meetings/3f2b?lang=es")]
    [TestCase("/", "/")]
    [TestCase(null, "/")]
    [TestCase("", "/")]
    [TestCase("//evil.example/signin", "/")]
    [TestCase("/\\evil.example/signin", "/")]
    [TestCase("/\t/evil.example", "/")]
    [TestCase("https://evil.example/", "/")]
    [TestCase("javascript:alert(1)", "/")]
    public void OnlyAPathOnThisSite_IsFollowed(string? asked, string followed) => Assert.That(ReturnUrl.OnThisSite(asked), Is.EqualTo(followed));
}
