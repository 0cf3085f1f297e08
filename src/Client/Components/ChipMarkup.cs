using MudBlazor;

namespace Dashboard.Client.Components;

/// <summary>
/// The classes MudChip puts on its element, for chips written as plain markup in long tables, where a component per
/// cell costs the browser seconds at hundreds of rows. Only the small size is used.
/// </summary>
public static class ChipMarkup
{
    public static string Classes(Color color, Variant variant, bool clickable = false) =>
        $"mud-chip mud-chip-{(variant == Variant.Outlined ? "outlined" : variant == Variant.Text ? "text" : "filled")} mud-chip-size-small " +
        $"mud-chip-color-{color.ToString().ToLowerInvariant()}{(clickable ? " mud-clickable" : "")}";
}
