namespace Dashboard.Server.State;

internal interface IHostStateProvider
{
    /// <summary>A state whose collection began after this call: what a request sees is never older than the request.</summary>
    Task<HostState> GetCurrentAsync(CancellationToken cancellationToken);
}
