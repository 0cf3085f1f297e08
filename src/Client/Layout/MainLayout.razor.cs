using Microsoft.AspNetCore.Components;

namespace Dashboard.Client.Layout;

public sealed partial class MainLayout
{
    private bool _drawerOpen = true;

    [Inject] public required NavigationManager Navigation { get; init; }

    private void ToggleDrawer() => _drawerOpen = !_drawerOpen;

    // The logout page is the server's, not the app's: a full load, past the app's router.
    private void LogOut() => Navigation.NavigateTo("logout", forceLoad: true);
}
