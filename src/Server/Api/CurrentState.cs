using System.Reflection;
using Dashboard.Server.State;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Dashboard.Server.Api;

/// <summary>
/// The host's state a request is answered from, bound as an endpoint parameter: the live state (no scan), or with
/// <c>?fresh=true</c> a full rescan begun after the request arrived. Binding it also stamps the response with the
/// live stream's <c>X-Dashboard-Epoch</c> and <c>X-Dashboard-Version</c>, so that a script can tell which version of
/// the hub's stream an answer equals.
/// </summary>
internal sealed class CurrentState : IEndpointParameterMetadataProvider
{
    public const string EpochHeader = "X-Dashboard-Epoch";
    public const string VersionHeader = "X-Dashboard-Version";
    public const string FreshParameter = "fresh";

    private CurrentState(HostState state) => State = state;

    public HostState State { get; }

    public static async ValueTask<CurrentState?> BindAsync(HttpContext context)
    {
        var fresh = false;
        if (context.Request.Query.TryGetValue(FreshParameter, out var values))
        {
            // Refused rather than ignored: a script that misspells its wish for fresh data must be told.
            if (values.Count != 1 || !TryParseFresh(values[0], out fresh))
            {
                throw new BadHttpRequestException(
                    $"The query parameter '{FreshParameter}' must be given once, as true or false; got '{string.Join(",", values.ToArray())}'.",
                    StatusCodes.Status400BadRequest);
            }
        }

        var provider = context.RequestServices.GetRequiredService<IHostStateProvider>();
        var served = fresh
            ? await provider.GetFreshAsync(context.RequestAborted)
            : await provider.GetCurrentAsync(context.RequestAborted);
        context.Response.Headers[EpochHeader] = served.Epoch;
        context.Response.Headers[VersionHeader] = served.Version.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new CurrentState(served.State);
    }

    internal static bool TryParseFresh(string? text, out bool fresh)
    {
        fresh = false;
        switch (text?.Trim().ToLowerInvariant())
        {
            case "true" or "1" or "":
                fresh = true;
                return true;
            case "false" or "0":
                return true;
            default:
                return false;
        }
    }

    /// <summary>Tells the OpenAPI document about <c>fresh</c>, which binding reads by hand.</summary>
    public static void PopulateMetadata(ParameterInfo parameter, EndpointBuilder builder) =>
        builder.Metadata.Add(new FreshQueryParameter());

    /// <summary>Adds <c>fresh</c> to the OpenAPI operation of every endpoint that binds a <see cref="CurrentState"/>.</summary>
    public static Task DescribeFresh(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.Description.ActionDescriptor.EndpointMetadata.OfType<FreshQueryParameter>().Any())
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = FreshParameter,
                In = ParameterLocation.Query,
                Required = false,
                Description = "true: answer from a full rescan begun after this request (coalesced with others); default: the live state.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.Boolean },
            });
        }

        return Task.CompletedTask;
    }

    /// <summary>Marks an endpoint as taking <c>?fresh=</c>; the OpenAPI transformer adds the parameter from it.</summary>
    internal sealed class FreshQueryParameter;
}
