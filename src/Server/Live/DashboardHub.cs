using Dashboard.Shared.Live;
using Microsoft.AspNetCore.SignalR;

namespace Dashboard.Server.Live;

/// <summary>The live hub at <see cref="DashboardHubContract.Path"/>; read-only: clients can only listen.</summary>
internal sealed class DashboardHub(LivePublisher publisher) : Hub, IDashboardHub
{
    public IAsyncEnumerable<LiveMessage> Subscribe(CancellationToken cancellationToken) => publisher.SubscribeAsync(cancellationToken);
}
