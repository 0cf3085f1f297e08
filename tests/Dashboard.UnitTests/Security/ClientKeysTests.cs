using System.Net;
using Dashboard.Server.Security;

namespace Dashboard.UnitTests.Security;

public sealed class ClientKeysTests
{
    [Theory]
    [InlineData("192.0.2.7", "192.0.2.7")]
    [InlineData("::ffff:192.0.2.7", "192.0.2.7")]
    [InlineData("2001:db8:1:2::5", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:3::5", "2001:db8:1:3::/64")]
    [InlineData("::1", "::/64")]
    [InlineData("fe80::1%2", "fe80::/64")]
    public void IPv4IsItselfIPv6ItsSlash64(string address, string key) => Assert.Equal(key, ClientKeys.Of(IPAddress.Parse(address)));

    [Fact]
    public void AddressesOfOneSlash64ShareAKeyOthersDoNot()
    {
        Assert.Equal(ClientKeys.Of(IPAddress.Parse("2001:db8::1")), ClientKeys.Of(IPAddress.Parse("2001:db8::ffff:1")));
        Assert.NotEqual(ClientKeys.Of(IPAddress.Parse("2001:db8::1")), ClientKeys.Of(IPAddress.Parse("2001:db8:0:1::1")));
        Assert.NotEqual(ClientKeys.Of(IPAddress.Parse("192.0.2.1")), ClientKeys.Of(IPAddress.Parse("192.0.2.2")));
    }

    [Fact]
    public void NoAddressIsTheInProcessHost() => Assert.Equal("in-process", ClientKeys.Of(null));
}
