using Dashboard.Server.Collection.Net;
using Dashboard.UnitTests.Proc;

namespace Dashboard.UnitTests.Net;

/// <summary>RTM_GETNSID requests and replies captured from the kernel (Samples/README.md, netlink/getnsid-*).</summary>
public sealed class NetnsIdMessagesTests
{
    [Theory]
    [InlineData("assigned", 7u)]
    [InlineData("not-assigned", 8u)]
    [InlineData("not-a-netns", 9u)]
    public void RequestIsByteForByteWhatWasSent(string sample, uint sequence) =>
        // The captures passed fd 4.
        Assert.Equal(Samples.Bytes($"netlink/getnsid-{sample}-request.bin"), NetnsIdMessages.Request(4, sequence));

    [Fact]
    public void AssignedIdIsRead()
    {
        var answer = NetnsIdMessages.ParseReply(Samples.Bytes("netlink/getnsid-assigned-reply.bin"));

        Assert.True(answer.Ok);
        Assert.Equal(0, answer.NetnsId);
    }

    [Fact]
    public void NotAssignedIsNoIdButNoError()
    {
        var answer = NetnsIdMessages.ParseReply(Samples.Bytes("netlink/getnsid-not-assigned-reply.bin"));

        Assert.True(answer.Ok);
        Assert.Null(answer.NetnsId);
    }

    [Fact]
    public void FdOnSomethingElseIsTheKernelsEinval()
    {
        var answer = NetnsIdMessages.ParseReply(Samples.Bytes("netlink/getnsid-not-a-netns-reply.bin"));

        Assert.False(answer.Ok);
        Assert.Equal(22, answer.Errno);
    }

    [Fact]
    public void CutReplyIsMalformedNotAnId()
    {
        var reply = Samples.Bytes("netlink/getnsid-assigned-reply.bin");

        Assert.True(NetnsIdMessages.ParseReply(reply.AsSpan(0, 20)).Malformed);
        Assert.True(NetnsIdMessages.ParseReply(reply.AsSpan(0, 16)).Malformed);
        Assert.True(NetnsIdMessages.ParseReply([]).Malformed);
    }
}
