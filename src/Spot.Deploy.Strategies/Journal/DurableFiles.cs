using System.Globalization;
using System.Runtime.InteropServices;

namespace Spot.Deploy.Strategies;

/// <summary>
/// Writes that are on the disk when they return — the file's bytes <em>and</em> the directory entry that names it — so
/// that a journal write survives a power loss before the call it announces is sent.
/// </summary>
/// <remarks>
/// <para>
/// A file's data and size reach the disk with <see cref="FileStream.Flush(bool)"/> (<c>fsync</c> on Linux,
/// <c>fcntl(F_FULLFSYNC)</c> on macOS, <c>FlushFileBuffers</c> on Windows). A new name — a created file, a rename, a
/// created directory — is a change of its <em>directory</em>, which POSIX makes durable only by <c>fsync</c> on the
/// directory itself. .NET has no API for that (it will not open a directory as a file), so on Linux and macOS
/// <see cref="FlushDirectory"/> calls libc's <c>open</c>, <c>fsync</c> (macOS: <c>F_FULLFSYNC</c>, falling back to
/// <c>fsync</c>, as .NET does for files) and <c>close</c>. A file system that cannot sync a directory (<c>EINVAL</c>,
/// <c>ENOTSUP</c>) is accepted, as databases do; any other error is an <see cref="IOException"/>.
/// </para>
/// <para>
/// On Windows the directory step does nothing: NTFS records a rename in its metadata log, so after a crash the rename
/// either happened or did not, but the log is written back lazily, so a rename done just before a power loss can be lost
/// (<c>File.Move</c> does not pass <c>MOVEFILE_WRITE_THROUGH</c>, which Windows documents for moves that copy). Appends,
/// which announce every call, never rename: see docs/journal-and-lock.md.
/// </para>
/// </remarks>
internal static class DurableFiles
{
    private const int LinuxReadOnlyCloseOnExec = 0x80000; // O_RDONLY | O_CLOEXEC
    private const int MacReadOnlyCloseOnExec = 0x1000000; // O_RDONLY | O_CLOEXEC
    private const int MacFullFsync = 51; // F_FULLFSYNC
    private const int InvalidArgument = 22; // EINVAL, the same on Linux and macOS
    private const int LinuxNotSupported = 95; // EOPNOTSUPP
    private const int MacNotSupported = 45; // ENOTSUP
    private const int MacOperationNotSupported = 102; // EOPNOTSUPP

    // Before the first call into libc (this type has no other static state, so this runs before FlushDirectory).
    static DurableFiles() => NativeLibrary.SetDllImportResolver(typeof(DurableFiles).Assembly, ResolveLibC);

    /// <summary>Whether <see cref="FlushDirectory"/> syncs anything on this operating system.</summary>
    public static bool FlushesDirectories => OperatingSystem.IsLinux() || OperatingSystem.IsMacOS();

    /// <summary>
    /// Writes <paramref name="content"/> to <paramref name="path"/> atomically and durably: a temporary file in the same
    /// directory, flushed to disk, renamed over <paramref name="path"/>, then the directory flushed. A crash leaves the old
    /// file or the new one; on return the new one is on the disk.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="content">Its new content.</param>
    /// <param name="overwrite">Replace an existing file; otherwise an existing file is an <see cref="IOException"/>.</param>
    public static void WriteAtomically(string path, ReadOnlySpan<byte> content, bool overwrite)
    {
        var directory = Path.GetDirectoryName(path) ?? throw new ArgumentException("The path has no directory.", nameof(path));
        CreateDirectory(directory);
        var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        var moved = false;
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }

            // Rename is atomic within a directory: readers and a crash see the old file or the new one.
            File.Move(temp, path, overwrite);
            moved = true;
            FlushDirectory(directory);
        }
        catch when (moved && !overwrite)
        {
            // A new file whose name may not survive is not a file the caller can count on: take it away again.
            TryDelete(path);
            throw;
        }
        finally
        {
            if (!moved)
            {
                TryDelete(temp);
            }
        }
    }

    /// <summary>Creates a directory (and any missing parents), and flushes each new one's parent so the new names last.</summary>
    /// <param name="directory">The directory.</param>
    public static void CreateDirectory(string directory)
    {
        if (Directory.Exists(directory))
        {
            return;
        }

        var created = new List<string>();
        for (var current = directory; current is not null && !Directory.Exists(current); current = Path.GetDirectoryName(current))
        {
            created.Add(current);
        }

        Directory.CreateDirectory(directory);
        foreach (var path in created)
        {
            if (Path.GetDirectoryName(path) is { } parent)
            {
                FlushDirectory(parent);
            }
        }
    }

    /// <summary>
    /// Makes the directory's entries (the names in it) durable: <c>fsync</c> on the directory on Linux and macOS; nothing on
    /// other systems (see the remarks of <see cref="DurableFiles"/>).
    /// </summary>
    /// <param name="directory">The directory.</param>
    /// <exception cref="IOException">The directory cannot be opened or synced.</exception>
    public static void FlushDirectory(string directory)
    {
        if (!FlushesDirectories)
        {
            return;
        }

        var macOS = OperatingSystem.IsMacOS();
        var descriptor = Native.Open(directory, macOS ? MacReadOnlyCloseOnExec : LinuxReadOnlyCloseOnExec);
        if (descriptor < 0)
        {
            throw Failure("open", directory, Marshal.GetLastPInvokeError());
        }

        try
        {
            var result = macOS && Native.Fcntl(descriptor, MacFullFsync) == 0 ? 0 : Native.FSync(descriptor);
            if (result != 0)
            {
                var error = Marshal.GetLastPInvokeError();
                var unsupported = error == InvalidArgument || error == (macOS ? MacNotSupported : LinuxNotSupported) || (macOS && error == MacOperationNotSupported);
                if (!unsupported)
                {
                    throw Failure("fsync", directory, error);
                }
            }
        }
        finally
        {
            _ = Native.Close(descriptor);
        }
    }

    /// <summary>
    /// Names the C library itself: on glibc systems with development files, <c>libc.so</c> is a linker script that cannot
    /// be loaded, so "libc" becomes <c>libc.so.6</c> (musl answers every <c>libc.*</c> name with itself); on macOS, libc is
    /// part of <c>libSystem</c>. Other names, and a failed load, fall back to .NET's own probing.
    /// </summary>
    private static IntPtr ResolveLibC(string libraryName, System.Reflection.Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (!string.Equals(libraryName, Native.LibC, StringComparison.Ordinal))
        {
            return IntPtr.Zero;
        }

        var name = OperatingSystem.IsMacOS() ? "/usr/lib/libSystem.B.dylib" : "libc.so.6";
        return NativeLibrary.TryLoad(name, out var handle) ? handle : IntPtr.Zero;
    }

    private static IOException Failure(string call, string directory, int error) =>
        new(string.Create(CultureInfo.InvariantCulture,
            $"Could not flush the directory '{directory}' to disk ({call}: {Marshal.GetPInvokeErrorMessage(error)}, errno {error})."));

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: a leftover *.tmp file is ignored by every reader and harmless.
        }
        catch (UnauthorizedAccessException)
        {
            // As above.
        }
    }

    /// <summary>The three libc calls .NET does not offer for directories.</summary>
    private static class Native
    {
        public const string LibC = "libc";

        [DllImport(LibC, EntryPoint = "open", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int Open(byte[] path, int flags);

        /// <summary><c>open</c> with the path as the null-terminated UTF-8 bytes libc expects.</summary>
        public static int Open(string path, int flags) => Open(System.Text.Encoding.UTF8.GetBytes(path + "\0"), flags);

        [DllImport(LibC, EntryPoint = "fsync", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int FSync(int descriptor);

        // fcntl is variadic; F_FULLFSYNC takes no third argument, so the fixed two-argument form is exact.
        [DllImport(LibC, EntryPoint = "fcntl", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int Fcntl(int descriptor, int command);

        [DllImport(LibC, EntryPoint = "close", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int Close(int descriptor);
    }
}
