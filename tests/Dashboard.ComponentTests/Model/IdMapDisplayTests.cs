namespace Dashboard.ComponentTests.Model;

public sealed class IdMapDisplayTests
{
    private static IdMapRange Range(long inside, long outside, long count) => new() { InsideId = inside, OutsideId = outside, Count = count };

    [Fact]
    public void Explains_a_userns_remap_range() =>
        Assert.Equal("uid 0 inside is uid 100000 on the host (65536 ids: 0–65535 → 100000–165535).",
            IdMapDisplay.Explain("uid", [Range(0, 100000, 65536)], parentIsHost: true));

    [Fact]
    public void Recognises_the_identity_map_of_the_initial_namespace() =>
        Assert.Equal("Identity map: every gid inside is the same gid on the host.",
            IdMapDisplay.Explain("gid", [Range(0, 0, 4294967295)], parentIsHost: true));

    [Fact]
    public void A_single_id_map_like_unshare_map_root_user() =>
        Assert.Equal("uid 0 inside is uid 1000 on the host.", IdMapDisplay.Explain("uid", [Range(0, 1000, 1)], parentIsHost: true));

    [Fact]
    public void Nested_namespaces_map_to_the_parent_not_the_host() =>
        Assert.StartsWith("uid 0 inside is uid 1000 in the parent user namespace",
            IdMapDisplay.Explain("uid", [Range(0, 1000, 1)], parentIsHost: false));

    [Fact]
    public void Several_ranges_are_pointed_at() =>
        Assert.EndsWith("; 1 more range(s) below.", IdMapDisplay.Explain("uid", [Range(0, 1000, 1), Range(1, 100000, 65536)], parentIsHost: true));

    [Fact]
    public void An_empty_map_means_nobody() =>
        Assert.Contains("overflow id (65534, nobody)", IdMapDisplay.Explain("uid", [], parentIsHost: true));
}
