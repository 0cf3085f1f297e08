using System.Security.Cryptography;
using System.Text;
using Dashboard.Server.Configuration;

namespace Dashboard.Server.Authentication;

/// <summary>What an access token may look like, where a configured one comes from, and how one is compared.</summary>
internal static class AccessTokens
{
    public const int MinLength = 16;
    public const int MaxLength = 1024;

    /// <summary>
    /// Compares in constant time. Both sides are hashed first, so the comparison runs over two values of the same length
    /// and its time says nothing about the token's length or about how many leading characters were right.
    /// </summary>
    public static bool Matches(string? candidate, ReadOnlySpan<byte> expectedHash)
    {
        if (string.IsNullOrEmpty(candidate) || candidate.Length > MaxLength || expectedHash.Length != SHA256.HashSizeInBytes)
        {
            return false;
        }

        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(candidate), hash);
        return CryptographicOperations.FixedTimeEquals(hash, expectedHash);
    }

    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    /// <summary>192 random bits as 48 hex digits: safe in a URL, a header and a shell without quoting.</summary>
    public static string Generate() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));

    /// <summary>Why <paramref name="token"/> cannot be a token, worded without repeating it; null when it can.</summary>
    public static string? Problem(string token)
    {
        if (token.Length < MinLength)
        {
            return $"is {token.Length} characters long; an access token needs at least {MinLength} (e.g. `openssl rand -hex 24`)";
        }

        if (token.Length > MaxLength)
        {
            return $"is {token.Length} characters long; at most {MaxLength} fit in a header";
        }

        // It travels in an Authorization header and a query string: visible ASCII only, so no quoting is ever needed.
        if (token.Any(c => c is < '!' or > '~'))
        {
            return "may contain only letters, digits and punctuation (visible ASCII), no spaces";
        }

        return null;
    }

    /// <summary>
    /// The configured token: <see cref="DashboardOptions.AccessToken"/> or the content of
    /// <see cref="DashboardOptions.AccessTokenFile"/> (surrounding whitespace, such as the file's last newline, removed).
    /// Null when neither is set. Every reason it cannot be used goes to <paramref name="errors"/>.
    /// </summary>
    public static string? ReadConfigured(DashboardOptions options, List<string> errors)
    {
        var inline = string.IsNullOrEmpty(options.AccessToken) ? null : options.AccessToken;
        var file = string.IsNullOrWhiteSpace(options.AccessTokenFile) ? null : options.AccessTokenFile;
        if (inline is not null && file is not null)
        {
            errors.Add("Dashboard:AccessToken and Dashboard:AccessTokenFile are both set; set only one.");
            return null;
        }

        if (inline is not null)
        {
            return Checked(inline, "Dashboard:AccessToken", errors);
        }

        if (file is null)
        {
            return null;
        }

        string content;
        try
        {
            content = File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            var why = e switch
            {
                FileNotFoundException or DirectoryNotFoundException => "does not exist",
                UnauthorizedAccessException => "cannot be read by this process (permissions)",
                _ => $"cannot be read ({e.Message})",
            };
            errors.Add($"Dashboard:AccessTokenFile '{file}' {why}.");
            return null;
        }

        var token = content.Trim();
        if (token.Length == 0)
        {
            errors.Add($"Dashboard:AccessTokenFile '{file}' is empty; write the token into it.");
            return null;
        }

        return Checked(token, $"The token in Dashboard:AccessTokenFile '{file}'", errors);
    }

    private static string? Checked(string token, string what, List<string> errors)
    {
        if (Problem(token) is { } problem)
        {
            errors.Add($"{what} {problem}.");
            return null;
        }

        return token;
    }
}
