namespace Dashboard.ComponentTests.Model;

public sealed class PastAddressTests
{
    [Theory]
    [InlineData("history/7", PastSection.Containers)]
    [InlineData("history/7/containers", PastSection.Containers)]
    [InlineData("history/7/containers?x=1", PastSection.Containers)]
    [InlineData("history/7/containers/web1", PastSection.Container)]
    [InlineData("history/7/namespaces?type=net&q=web", PastSection.Namespaces)]
    [InlineData("history/7/namespaces/net/4026532286", PastSection.Namespace)]
    [InlineData("history/7/topology", PastSection.Topology)]
    public void Tells_the_page_from_the_address(string address, PastSection section)
    {
        Assert.Equal(section, PastAddress.Section(address));
    }

    [Theory]
    [InlineData("history/7", "containers")]
    [InlineData("history/7/containers", "containers")]
    [InlineData("history/7/containers/web1", "containers/web1")]
    [InlineData("history/7/namespaces?type=net&q=web", "namespaces?type=net&q=web")]
    [InlineData("history/7/namespaces/net/4026532286", "namespaces/net/4026532286")]
    [InlineData("history/7/topology", "topology")]
    public void Leads_back_to_the_same_live_page(string address, string live)
    {
        Assert.Equal(live, PastAddress.Live(address));
    }
}
