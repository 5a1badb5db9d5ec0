internal import Glibc
import Synchronization

/// Work done once when the process exits normally (via `exit`), in reverse
/// order of registration.
enum ExitCleanup {
    private static let actions = Mutex<[@Sendable () -> Void]?>(nil)

    static func register(_ action: @escaping @Sendable () -> Void) {
        actions.withLock { list in
            if list == nil {
                list = []
                atexit { ExitCleanup.runAll() }
            }
            list!.append(action)
        }
    }

    private static func runAll() {
        let list = actions.withLock { list in
            defer { list = [] }
            return list ?? []
        }
        for action in list.reversed() {
            action()
        }
    }
}
