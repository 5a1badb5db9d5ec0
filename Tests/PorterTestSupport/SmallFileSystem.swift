internal import Foundation
internal import Glibc

/// A directory on a tmpfs of a fixed small size, for tests of a disk that
/// fills up: writing past the size fails with `ENOSPC`.
///
/// Mounting needs root (or `CAP_SYS_ADMIN`); ``init(bytes:)`` throws where
/// it is not permitted, and the caller falls back to `/dev/full`.
///
/// Lifetime: ``unmount()``, also on `deinit`, unmounts the tmpfs and removes
/// the directory; the process's exit does it too if neither ran.
public final class SmallFileSystem: Sendable {
    /// The mount point: write files here.
    public let directory: String

    /// Mounts a tmpfs of `bytes` bytes on a new temporary directory.
    ///
    /// - Throws: ``TestSupportError`` quoting `mount`'s complaint when the
    ///   file system cannot be mounted.
    public init(bytes: Int) throws {
        let directory = try TemporaryDirectory.make(prefix: "porter-small-fs")
        let result = try ChildProcess.runBlocking(
            "/bin/mount", ["-t", "tmpfs", "-o", "size=\(bytes),mode=0700", "tmpfs", directory], timeout: .seconds(10))
        guard result.status == 0 else {
            rmdir(directory)
            throw TestSupportError("cannot mount a tmpfs on \(directory) (exit \(result.status)): \(result.stderr)")
        }
        self.directory = directory
        ExitCleanup.register {
            umount2(directory, Int32(MNT_DETACH))
            rmdir(directory)
        }
    }

    deinit {
        unmount()
    }

    /// Unmounts the file system and removes its mount point. Idempotent.
    public func unmount() {
        umount2(directory, Int32(MNT_DETACH))
        rmdir(directory)
    }
}
