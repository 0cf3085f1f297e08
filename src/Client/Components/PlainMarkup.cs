using MudBlazor;

namespace Dashboard.Client.Components;

/// <summary>
/// The classes MudChip and MudLink put on their elements, for chips and links written as plain markup in long tables:
/// a component per cell (a MudChip, a MudLink, a MudTooltip around a chip) costs the browser seconds at hundreds of
/// rows (docs/benchmarks.md). Only the small chip size is used.
/// </summary>
public static class PlainMarkup
{
    /// <summary>What MudLink with <c>Typo.body2</c> puts on its anchor; Blazor follows a plain link as it would MudLink's.</summary>
    public const string Link = "mud-typography mud-link mud-primary-text mud-link-underline-hover mud-typography-body2";

    /// <summary>What a small MudChip of this color and variant puts on its element.</summary>
    public static string Chip(Color color, Variant variant, bool clickable = false) =>
        $"mud-chip mud-chip-{(variant == Variant.Outlined ? "outlined" : variant == Variant.Text ? "text" : "filled")} mud-chip-size-small " +
        $"mud-chip-color-{color.ToString().ToLowerInvariant()}{(clickable ? " mud-clickable" : "")}";
}
