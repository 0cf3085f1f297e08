using Dashboard.ComponentTests.Fakes;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;

namespace Dashboard.ComponentTests;

/// <summary>A bUnit context with MudBlazor and the fake data source; MudBlazor's services need async disposal.</summary>
public abstract class DashboardTest : IAsyncDisposable
{
    protected DashboardTest()
    {
        Context.JSInterop.Mode = JSRuntimeMode.Loose;
        Context.Services.AddMudServices();
        Context.Services.AddSingleton<IDashboardData>(Data);
        Context.Services.AddSingleton<TimeProvider>(Time);
        Context.Services.AddSingleton<ISnapshots>(new SnapshotsClient(new HttpClient(Server) { BaseAddress = new Uri("http://localhost/") }));
    }

    protected BunitContext Context { get; } = new();

    /// <summary>The renderer the pages see: the browser's; a test of the server's prerendering sets the static one.</summary>
    protected RendererInfo Renderer { get; set; } = new("WebAssembly", isInteractive: true);

    protected FakeDashboardData Data { get; } = new();

    /// <summary>The server's snapshot endpoints, for the pages that call them through <see cref="SnapshotsClient"/>.</summary>
    protected FakeSnapshotServer Server { get; } = new();

    protected FakeTime Time { get; } = new(SampleSnapshots.Now);

    protected NavigationManager Navigation => Context.Services.GetRequiredService<NavigationManager>();

    /// <summary>Where confirmations open, once a page is rendered.</summary>
    protected IRenderedComponent<MudDialogProvider>? Dialogs { get; private set; }

    /// <summary>Where messages pop up, once a page is rendered.</summary>
    protected IRenderedComponent<MudSnackbarProvider>? Snackbars { get; private set; }

    /// <summary>Renders the component beside the popover, dialog and snackbar providers, as MainLayout does, so tooltips, confirmations and messages can render.</summary>
    protected IRenderedComponent<T> RenderPage<T>(Action<ComponentParameterCollectionBuilder<T>>? parameters = null)
        where T : IComponent
    {
        Context.SetRendererInfo(Renderer);
        Context.Render<MudPopoverProvider>();
        Dialogs = Context.Render<MudDialogProvider>();
        Snackbars = Context.Render<MudSnackbarProvider>();
        return parameters is null ? Context.Render<T>() : Context.Render<T>(parameters);
    }

    public async ValueTask DisposeAsync()
    {
        await Context.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
