namespace Dashboard.Server.Storage;

/// <summary>
/// Snapshots hold command lines, which can carry secrets: the database, its folder when the server makes it, and the
/// files SQLite keeps beside it are for the server's own user only. SQLite creates <c>-wal</c> and <c>-shm</c> with the
/// mode of the database file, so making that file first, 0600, is enough for new databases.
/// </summary>
internal static class OwnerOnlyFiles
{
    public const UnixFileMode FolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private const UnixFileMode GroupAndOthers =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>The mode without what it gives the group and others; the owner's bits and the rest stay.</summary>
    public static UnixFileMode Tightened(UnixFileMode mode) => mode & ~GroupAndOthers;

    /// <summary>As <c>ls</c> and <c>chmod</c> write it, e.g. 0600.</summary>
    public static string Octal(UnixFileMode mode) => "0" + Convert.ToString((int)mode, 8).PadLeft(3, '0');

    /// <summary>The database and the files SQLite keeps beside it.</summary>
    public static string[] DatabaseFiles(string path) => [path, path + "-wal", path + "-shm", path + "-journal"];

    /// <summary>Makes the folder (0700) when missing; a folder that exists is the operator's and is left as it is.</summary>
    public static void CreateFolder(string folder)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
        }
        else if (!Directory.Exists(folder))
        {
            Directory.CreateDirectory(folder, FolderMode);
        }
    }

    /// <summary>
    /// Creates the database file empty and 0600 when missing (SQLite takes an empty file as a new database), and takes
    /// the group's and others' bits off any of its files that has them. Returns what was changed and what could not be;
    /// a file that cannot be made or changed is left to SQLite, whose own error then says why.
    /// </summary>
    public static (List<(string Path, UnixFileMode Before)> Tightened, List<(string Path, string Why)> Failed) Prepare(string path)
    {
        var tightened = new List<(string, UnixFileMode)>();
        var failed = new List<(string, string)>();
        if (OperatingSystem.IsWindows())
        {
            return (tightened, failed);
        }

        try
        {
            using var created = new FileStream(path, new FileStreamOptions { Mode = System.IO.FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = FileMode });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // There already, or the folder cannot be written: either way SQLite has the last word.
        }

        foreach (var file in DatabaseFiles(path))
        {
            try
            {
                if (!File.Exists(file))
                {
                    continue;
                }

                var mode = File.GetUnixFileMode(file);
                if (Tightened(mode) != mode)
                {
                    File.SetUnixFileMode(file, Tightened(mode));
                    tightened.Add((file, mode));
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                failed.Add((file, e.Message));
            }
        }

        return (tightened, failed);
    }
}
