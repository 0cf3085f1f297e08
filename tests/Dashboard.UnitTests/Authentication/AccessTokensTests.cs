using System.Security.Cryptography;
using System.Text;
using Dashboard.Server.Authentication;
using Dashboard.Server.Configuration;

namespace Dashboard.UnitTests.Authentication;

public sealed class AccessTokensTests
{
    private const string Token = "0123456789abcdef-token";
    private static readonly byte[] s_hash = AccessTokens.Hash(Token);

    [Fact]
    public void TheSameTokenMatches() => Assert.True(AccessTokens.Matches(new string(Token.ToCharArray()), s_hash));

    [Theory]
    [InlineData("0123456789abcdef-tokeN")]
    [InlineData("1123456789abcdef-token")]
    [InlineData("0123456789abcdef-toke")]
    [InlineData("0123456789abcdef-token ")]
    [InlineData("0123456789abcdef-token0123456789abcdef-token")]
    [InlineData("")]
    [InlineData(null)]
    public void AnythingElseDoesNot(string? candidate) => Assert.False(AccessTokens.Matches(candidate, s_hash));

    [Fact]
    public void ItComparesSha256HashesOfEqualLength()
    {
        // The hash is what is kept and compared; a hash of another length never matches.
        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(Token)), s_hash);
        Assert.False(AccessTokens.Matches(Token, s_hash.AsSpan(0, 16)));
        Assert.False(AccessTokens.Matches(Token, Encoding.UTF8.GetBytes(Token)));
    }

    [Fact]
    public void AVeryLongCandidateIsRefusedWithoutHashing() =>
        Assert.False(AccessTokens.Matches(new string('a', AccessTokens.MaxLength + 1), s_hash));

    [Fact]
    public void GeneratedTokensAreLongRandomAndValid()
    {
        var tokens = Enumerable.Range(0, 50).Select(_ => AccessTokens.Generate()).ToList();
        Assert.All(tokens, t =>
        {
            Assert.Equal(48, t.Length);
            Assert.Matches("^[0-9a-f]{48}$", t);
            Assert.Null(AccessTokens.Problem(t));
        });
        Assert.Equal(tokens.Count, tokens.Distinct().Count());
    }

    [Theory]
    [InlineData("too-short", "at least 16")]
    [InlineData("has a space in it ok", "no spaces")]
    [InlineData("tab\tinside-0123456789", "no spaces")]
    [InlineData("ünicode-0123456789abc", "visible ASCII")]
    public void UnusableTokensSayWhy(string token, string reason) => Assert.Contains(reason, AccessTokens.Problem(token));

    [Fact]
    public void TheFileIsReadAndItsLastNewlineDropped()
    {
        var file = Path.Combine(Path.GetTempPath(), $"dt-token-{Guid.NewGuid():N}");
        File.WriteAllText(file, "  file-token-0123456789\n");
        try
        {
            var errors = new List<string>();
            Assert.Equal("file-token-0123456789", AccessTokens.ReadConfigured(new DashboardOptions { AccessTokenFile = file }, errors));
            Assert.Empty(errors);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void AnEmptyOrUnreadableFileIsAnError()
    {
        var dir = Directory.CreateTempSubdirectory("dt-token-");
        var empty = Path.Combine(dir.FullName, "empty");
        File.WriteAllText(empty, "\n");
        var short1 = Path.Combine(dir.FullName, "short");
        File.WriteAllText(short1, "secret\n");
        try
        {
            var errors = new List<string>();
            Assert.Null(AccessTokens.ReadConfigured(new DashboardOptions { AccessTokenFile = empty }, errors));
            // A directory cannot be read as a file, even by root (for whom permissions would not stop it).
            Assert.Null(AccessTokens.ReadConfigured(new DashboardOptions { AccessTokenFile = dir.FullName }, errors));
            Assert.Null(AccessTokens.ReadConfigured(new DashboardOptions { AccessTokenFile = short1 }, errors));
            Assert.Collection(errors,
                e => Assert.Contains("is empty", e),
                e => Assert.Contains("cannot be read", e),
                e => Assert.Contains("is 6 characters long", e));
            Assert.DoesNotContain(errors, e => e.Contains("secret"));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("http://0.0.0.0:8080", "http://localhost:8080/login?t=abc")]
    [InlineData("http://[::]:8080", "http://localhost:8080/login?t=abc")]
    [InlineData("http://+:8080/", "http://localhost:8080/login?t=abc")]
    [InlineData("http://192.168.1.5:5080", "http://192.168.1.5:5080/login?t=abc")]
    public void LoginUrlsCanBeOpened(string address, string url) => Assert.Equal(url, DashboardAccess.LoginUrl(address, "abc"));

    [Theory]
    [InlineData("http://127.0.0.1:5080", "Log in to the dashboard at http://127.0.0.1:5080/login?t=abc")]
    [InlineData("http://0.0.0.0:8080", "Log in to the dashboard at http://localhost:8080/login?t=abc (from another machine, put in the host and port you reach it at)")]
    public void TheLoginLineSaysWhereToPutTheHost(string address, string line) => Assert.Equal(line, DashboardAccess.LoginLine(address, "abc"));

    [Theory]
    [InlineData(null, "/")]
    [InlineData("", "/")]
    [InlineData("/containers?type=net", "/containers?type=net")]
    [InlineData("https://evil.example/", "/")]
    [InlineData("//evil.example", "/")]
    [InlineData("/\\evil.example", "/")]
    [InlineData("javascript:alert(1)", "/")]
    [InlineData("/ok\r\nSet-Cookie: x=y", "/")]
    public void LoginRedirectsOnlyWithinTheServer(string? returnUrl, string expected) => Assert.Equal(expected, LoginApi.LocalUrl(returnUrl));
}
