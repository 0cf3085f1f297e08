using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using MudBlazor;

namespace Dashboard.Client.Components;

/// <summary>A shell command in monospace with a button that copies it to the clipboard.</summary>
public sealed partial class CommandLine
{
    [Inject] public required IJSRuntime JS { get; init; }
    [Inject] public required ISnackbar Snackbar { get; init; }

    [Parameter, EditorRequired] public required string Text { get; set; }
    [Parameter] public string? TestId { get; set; }

    private string CopyLabel => $"Copy {Text}";

    private async Task CopyAsync()
    {
        try
        {
            await JS.InvokeVoidAsync("navigator.clipboard.writeText", Text);
            Snackbar.Add("Copied to the clipboard", Severity.Success);
        }
        catch (JSException)
        {
            // Browsers refuse the clipboard outside secure contexts (plain http on another host).
            Snackbar.Add("The browser refused the clipboard; select the text instead", Severity.Warning);
        }
    }
}
