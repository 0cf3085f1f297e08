using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using Dashboard.Server.Configuration;

namespace Dashboard.UnitTests;

/// <summary>
/// "The dashboard only reads": checked on the server's compiled code, not on its endpoints alone. It calls only the
/// engine's List/Inspect/Get/Monitor/Ping operations, starts no process, and imports no libc call that would change
/// or signal anything on the host.
/// </summary>
public sealed class ReadOnlyServerTests
{
    private static readonly string[] s_readingOperations = ["List", "Inspect", "Get", "Monitor", "Ping"];

    private static readonly HashSet<string> s_forbiddenImports =
    [
        "execve", "execv", "execvp", "execl", "system", "popen", "fork", "vfork", "clone", "clone3", "posix_spawn", "posix_spawnp",
        "kill", "tgkill", "tkill", "pidfd_send_signal", "ptrace", "process_vm_writev", "mount", "umount", "umount2", "unshare",
        "pivot_root", "chroot", "sethostname", "setdomainname", "reboot", "init_module", "delete_module",
    ];

    [Fact]
    public void TheServerCallsOnlyReadingEngineOperationsStartsNoProcessAndChangesNothingThroughLibc()
    {
        using var stream = File.OpenRead(typeof(DashboardOptions).Assembly.Location);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        var offenders = new List<string>();

        foreach (var handle in metadata.MemberReferences)
        {
            var member = metadata.GetMemberReference(handle);
            var name = metadata.GetString(member.Name);
            var type = member.Parent.Kind == HandleKind.TypeReference ? FullName(metadata, (TypeReferenceHandle)member.Parent) : "";
            if (type is "System.Diagnostics.Process" or "System.Diagnostics.ProcessStartInfo")
            {
                offenders.Add($"{type}.{name}");
            }

            // The engine's operation groups: IContainerOperations, INetworkOperations, ISystemOperations, …
            if (type.StartsWith("Docker.DotNet.I", StringComparison.Ordinal) && type.EndsWith("Operations", StringComparison.Ordinal)
                && !s_readingOperations.Any(r => name.StartsWith(r, StringComparison.Ordinal)))
            {
                offenders.Add($"{type}.{name}");
            }
        }

        foreach (var handle in metadata.MethodDefinitions)
        {
            var import = metadata.GetMethodDefinition(handle).GetImport();
            if (!import.Name.IsNil && s_forbiddenImports.Contains(metadata.GetString(import.Name)))
            {
                offenders.Add($"P/Invoke {metadata.GetString(import.Name)}");
            }
        }

        Assert.True(offenders.Count == 0, "the server reaches for what changes the host:\n" + string.Join('\n', offenders.Distinct()));
    }

    [Fact]
    public void TheCheckSeesTheCallsTheServerDoesMake()
    {
        // Guards the guard: were the names read wrongly, the test above would pass on anything.
        using var stream = File.OpenRead(typeof(DashboardOptions).Assembly.Location);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        var calls = metadata.MemberReferences.Select(h => metadata.GetMemberReference(h))
            .Where(m => m.Parent.Kind == HandleKind.TypeReference)
            .Select(m => $"{FullName(metadata, (TypeReferenceHandle)m.Parent)}.{metadata.GetString(m.Name)}")
            .ToHashSet();
        Assert.Contains("Docker.DotNet.IContainerOperations.ListContainersAsync", calls);
        var imports = metadata.MethodDefinitions.Select(h => metadata.GetMethodDefinition(h).GetImport())
            .Where(i => !i.Name.IsNil).Select(i => metadata.GetString(i.Name)).ToHashSet();
        Assert.Contains("setns", imports);
    }

    private static string FullName(MetadataReader metadata, TypeReferenceHandle handle)
    {
        var type = metadata.GetTypeReference(handle);
        var ns = metadata.GetString(type.Namespace);
        return ns.Length == 0 ? metadata.GetString(type.Name) : $"{ns}.{metadata.GetString(type.Name)}";
    }
}
