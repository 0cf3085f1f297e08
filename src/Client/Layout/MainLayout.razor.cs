namespace Dashboard.Client.Layout;

public sealed partial class MainLayout
{
    private bool _drawerOpen = true;

    private void ToggleDrawer() => _drawerOpen = !_drawerOpen;
}
