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
    }

    protected BunitContext Context { get; } = new();

    protected FakeDashboardData Data { get; } = new();

    protected NavigationManager Navigation => Context.Services.GetRequiredService<NavigationManager>();

    /// <summary>Renders the component beside a popover provider, as MainLayout does, so tooltips can render.</summary>
    protected IRenderedComponent<T> RenderPage<T>(Action<ComponentParameterCollectionBuilder<T>>? parameters = null)
        where T : IComponent
    {
        Context.Render<MudPopoverProvider>();
        return parameters is null ? Context.Render<T>() : Context.Render<T>(parameters);
    }

    public async ValueTask DisposeAsync()
    {
        await Context.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
