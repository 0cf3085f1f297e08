using Dashboard.Server.Authentication;
using Microsoft.AspNetCore.Http;

namespace Dashboard.UnitTests.Authentication;

public sealed class FailedCredentialsTests
{
    [Theory]
    [InlineData(6, 10_000, 1)]
    [InlineData(1, 60_000, 1)]
    [InlineData(60, 1_000, 1)]
    [InlineData(61, 1_000, 2)]
    [InlineData(600, 1_000, 10)]
    public void TheRefillComesOneAtATimeOrOnceASecond(int perMinute, int periodMs, int tokens)
    {
        var (period, count) = FailedCredentials.Refill(perMinute);
        Assert.Equal(TimeSpan.FromMilliseconds(periodMs), period);
        Assert.Equal(tokens, count);
        // Never less than asked for.
        Assert.True(count * 60 / period.TotalSeconds >= perMinute);
    }

    [Theory]
    [InlineData("GET", "/", "Bearer abc", true)]
    [InlineData("GET", "/_framework/blazor.web.js", "bearer abc", true)]
    [InlineData("GET", "/api/status", "Basic Zm9vOmJhcg==", false)]
    [InlineData("GET", "/api/status", null, false)]
    [InlineData("GET", "/login?t=abc", null, true)]
    [InlineData("GET", "/LOGIN/?t=", null, true)]
    [InlineData("GET", "/login?returnUrl=/", null, false)]
    [InlineData("POST", "/login", null, true)]
    [InlineData("POST", "/logout", null, false)]
    [InlineData("GET", "/hubs/dashboard?access_token=abc", null, true)]
    [InlineData("GET", "/api/status?access_token=abc", null, false)]
    public void WhatCarriesCredentials(string method, string url, string? authorization, bool expected)
    {
        var context = new DefaultHttpContext();
        var parts = url.Split('?', 2);
        context.Request.Method = method;
        context.Request.Path = parts[0];
        context.Request.QueryString = parts.Length > 1 ? new QueryString("?" + parts[1]) : QueryString.Empty;
        if (authorization is not null)
        {
            context.Request.Headers.Authorization = authorization;
        }

        Assert.Equal(expected, FailedCredentials.CarriesCredentials(context.Request));
    }
}
