import Synchronization

/// Idle keep-alive connections, by origin, waiting for their next request.
///
/// A connection is in the pool only while no task uses it: checking it out
/// hands it to one task, checking it in hands it back.
final class ConnectionPool: Sendable {
    /// How many idle connections are kept per origin.
    let maximumIdlePerOrigin: Int
    private let idle = Mutex<[String: [Connection]]>([:])
    private let nextID = Atomic<Int>(0)

    init(maximumIdlePerOrigin: Int) {
        self.maximumIdlePerOrigin = maximumIdlePerOrigin
    }

    /// A number for a new connection.
    func makeConnectionID() -> Int {
        nextID.wrappingAdd(1, ordering: .relaxed).oldValue
    }

    /// An idle connection to `origin` that still looks usable, or nil.
    func checkOut(origin: String) -> Connection? {
        while true {
            let candidate = idle.withLock { connections -> Connection? in
                connections[origin]?.popLast()
            }
            guard let candidate else { return nil }
            if !candidate.isStale { return candidate }
            candidate.close()
        }
    }

    /// Returns a connection whose last response left it reusable. Returns false
    /// (and closes it) when the pool for its origin is full.
    @discardableResult
    func checkIn(_ connection: Connection) -> Bool {
        let kept = idle.withLock { connections -> Bool in
            var list = connections[connection.origin] ?? []
            guard list.count < maximumIdlePerOrigin else { return false }
            list.append(connection)
            connections[connection.origin] = list
            return true
        }
        if !kept { connection.close() }
        return kept
    }

    /// Closes every idle connection.
    func closeAll() {
        let all = idle.withLock { connections -> [Connection] in
            defer { connections = [:] }
            return connections.values.flatMap { $0 }
        }
        all.forEach { $0.close() }
    }
}
